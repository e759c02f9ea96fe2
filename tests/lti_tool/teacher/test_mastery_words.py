"""The mastery pages in words a teacher reads: counts with their plurals, items by their labels,
evidence that says what it refers to, dates as the page's language writes them."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from competencies.mastery.recording import (
    FinalRatings,
    Moderation,
    RatedCriterion,
    record_final_ratings,
)
from competencies.models import Framework, Item, RaterType
from competencies.partners.model import Placement
from lti_tool.models import Course, Enrollment
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.placement_factories import bakery_placement
from tests.lti_tool.teacher.test_mastery_view import Class2


@pytest.fixture
def one_student(app: Flask, db: Session) -> Class2:
    """Ana alone in the class: one student, two competencies."""
    class2 = Class2(app, db)
    db.execute(delete(Enrollment).where(Enrollment.user_id == class2.ben.id))
    db.commit()
    return class2


def test_the_heatmap_counts_one_student_in_the_singular(client: FlaskClient,
                                                        one_student: Class2) -> None:
    _, page = one_student.get(client, f"/teacher/course/{one_student.course.id}/mastery")
    assert "1 student × 2 competencies;" in page and "1 students" not in page


def test_the_heatmap_counts_in_spanish_plurals(client: FlaskClient, db: Session,
                                               one_student: Class2) -> None:
    one_student.teacher.locale = "es"
    db.commit()
    _, page = one_student.get(client, f"/teacher/course/{one_student.course.id}/mastery")
    assert "1 estudiante × 2 competencias;" in page and "1 estudiantes" not in page


ONET_TASK = ("Weigh and measure ingredients, mix them and knead the dough by hand or with "
             "a mixing machine.")


@pytest.fixture
def bakery(flow: Flow, db: Session) -> tuple[Placement, Item]:
    """Amani's placement rated on an O*NET task, whose id "2878" means nothing to a reader."""
    return _bakery(flow, db, RatedCriterion("Mixing", 3, 4, RaterType.EMPLOYER, "Rosa Martínez",
                                            dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)))


def _bakery(flow: Flow, db: Session, rated: RatedCriterion) -> tuple[Placement, Item]:
    placement = bakery_placement(flow, db)
    onet = Framework(identifier="onet-words", title="O*NET Tasks")
    db.add(onet)
    db.flush()
    item = Item(framework_id=onet.id, identifier="onet-task-2878", human_coding_scheme="2878",
                full_statement=ONET_TASK, item_type="Task",
                extra={"occupation": "51-3011.00", "occupation_title": "Bakers"})
    db.add(item)
    db.flush()
    snapshot = {"rubric": {"title": "R", "criteria": [
        {"name": "Mixing", "items": ["onet-task-2878"], "levels": []}]}, "alignments": []}
    record_final_ratings(db, FinalRatings(
        placement.course_id, str(placement.student_id), f"placement:{placement.id}", snapshot,
        [rated]))
    db.commit()
    return placement, item


def test_an_onet_task_column_shows_its_statement_not_its_id(flow: Flow,
                                                            bakery: tuple[Placement, Item]) -> None:
    placement, _ = bakery
    page = flow.client.get(f"/teacher/course/{placement.course_id}/mastery").get_data(as_text=True)
    assert ">2878<" not in page and "Mastery of 2878" not in page
    assert "Mastery of Task: Weigh and measure ingredients" in page
    full = html.escape(f"Task: {ONET_TASK} (Bakers, 51-3011.00)")
    assert f'title="{full}"' in page  # the whole statement, for the shortened header


def test_evidence_names_the_placement_it_came_from_and_links_to_it(
        flow: Flow, bakery: tuple[Placement, Item]) -> None:
    placement, item = bakery
    page = flow.client.get(f"/teacher/course/{placement.course_id}/mastery/"
                           f"{placement.student_id}/{item.id}").get_data(as_text=True)
    link = f"/teacher/course/{placement.course_id}/placements/{placement.id}"
    assert (f'<a href="{link}">Amani Okafor at Sunrise Bakery (Bakery internship)</a>'
            in page)
    assert "placement:" not in page and "2878" not in page
    assert '<time datetime="2026-12-10T17:00:00+00:00">Dec 10, 2026' in page


def test_a_moderation_is_dated_on_the_day_it_was_where_the_course_is(flow: Flow,
                                                                      db: Session) -> None:
    """7 PM on Dec 6 in Los Angeles is Dec 7 in UTC: the teacher moderated on the 6th."""
    evening = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)
    placement, item = _bakery(flow, db, RatedCriterion(
        "Mixing", 4, 4, RaterType.TEACHER, "Lucia Rivera", evening, moderation=Moderation(
            "Lucia Rivera", evening, employer="Rosa Martínez", employer_level="Developing",
            reason="Watched her again")))
    db.execute(update(Course).where(Course.id == placement.course_id)
               .values(time_zone="America/Los_Angeles"))
    db.commit()
    url = f"/teacher/course/{placement.course_id}/mastery/{placement.student_id}/{item.id}"

    page = html.unescape(flow.client.get(url).get_data(as_text=True))

    assert "Changed by Lucia Rivera on Dec 6, 2026 from Rosa Martínez's “Developing”" in page
