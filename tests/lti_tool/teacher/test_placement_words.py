"""The placement pages write numbers and dates as the page's language does, and name the task."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.scoring import ratings
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from lti_tool.models import User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.placement_factories import bakery_placement


def _in_spanish(db: Session) -> None:
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()


def test_expected_hours_read_as_the_page_writes_numbers(flow: Flow, db: Session) -> None:
    placement = bakery_placement(flow, db, expected_hours=12.0)
    url = f"/teacher/course/{placement.course_id}/placements"
    assert "<td>12</td>" in flow.client.get(url).get_data(as_text=True)
    placement.expected_hours = 4.5
    _in_spanish(db)
    page = flow.client.get(url).get_data(as_text=True)
    assert "<td>4,5</td>" in page and "4.5" not in page


def test_placement_dates_read_as_the_page_writes_them(flow: Flow, db: Session) -> None:
    placement = bakery_placement(flow, db)
    listed = flow.client.get(f"/teacher/course/{placement.course_id}/placements")
    assert ('<time datetime="2026-12-01">Dec 1, 2026</time> – '
            '<time datetime="2026-12-20">Dec 20, 2026</time>') in listed.get_data(as_text=True)
    _in_spanish(db)
    page = flow.client.get(f"/teacher/course/{placement.course_id}/placements/{placement.id}")
    text = page.get_data(as_text=True)
    assert ('<time datetime="2026-12-01">1 dic 2026</time> – '
            '<time datetime="2026-12-20">20 dic 2026</time>') in text
    assert "2026-12-01 –" not in text


def test_the_placement_page_and_the_ratings_list_name_the_task(flow: Flow, db: Session) -> None:
    placement = bakery_placement(flow, db)
    page = flow.client.get(f"/teacher/course/{placement.course_id}/placements/{placement.id}")
    assert "<h1>Amani Okafor at Sunrise Bakery (Bakery internship)</h1>" in page.get_data(
        as_text=True)
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Rosa Martínez", supervisor_id=placement.supervisor_id)
    employer = Actor("employer", "Rosa Martínez")
    ratings.save(db, rating, rubric, {c.name: Choice(c.levels[-1].label)
                                      for c in rubric.criteria}, employer)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id),
                   "Rosa Martínez", employer)
    waiting = flow.client.get(f"/teacher/course/{placement.course_id}/ratings")
    text = waiting.get_data(as_text=True)
    assert "Amani Okafor</a>, Bakery internship: rated by Rosa Martínez on" in text
    assert re.search(r"rated by Rosa Martínez on [A-Z][a-z]{2} \d{1,2}, \d{4}", text)
