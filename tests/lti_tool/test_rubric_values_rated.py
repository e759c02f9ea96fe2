"""Where the rubric is rated, a level reads as the other pages show it: the employer's real page,
the teacher's moderation page, and the gradebook comment, whose lines add up to the grade."""

from __future__ import annotations

import dataclasses
import re

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.model import Placement
from competencies.scoring import ratings
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from lti_tool.config import Config
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.models import GradeOutbox
from tests.lti_tool.employer.conftest import open_link, placed_with_supervisor
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf, _rubric_form
from tests.lti_tool.test_rubric_values import EXPECTED, _worths

EMPLOYER = Actor("employer", "Ana Reyes")


@dataclasses.dataclass
class Rated:
    course_id: int
    placement: Placement
    token: str

    @property
    def moderation_url(self) -> str:
        return f"/teacher/course/{self.course_id}/placements/{self.placement.id}/rating"


@pytest.fixture
def rated(app: Flask, flow: Flow, db: Session, config: Config) -> Rated:
    """The rubric of test_rubric_values, placed in the LMS, a student placed with a supervisor
    holding a link."""
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez",
                email="maya@students.example.org")
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    assert flow.client.post(url, data=_rubric_form(_csrf(flow, url))).status_code == 302
    # Placed through the LMS, so the task has a gradebook column.
    flow.launch(role="Instructor",
                lti_custom=sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"]))
    placement, token = placed_with_supervisor(flow, db, config, course, task_id)
    return Rated(course, placement, token)


def _submit_employer_rating(db: Session, placement: Placement, levels: dict[str, str]) -> None:
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=placement.supervisor_id)
    ratings.save(db, rating, rubric, {c: Choice(level) for c, level in levels.items()}, EMPLOYER)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   EMPLOYER)


def _options(page: str, select_id: str) -> list[str]:
    """The worth in each level's option of one select, "Not observed" and "Choose…" left out."""
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert found is not None, select_id
    return re.findall(r"<option [^>]*>[^<(]*\(([^)]*)\)</option>", found.group(1))


def test_the_employers_real_page_shows_each_level_worth_as_its_preview(
        app: Flask, flow: Flow, rated: Rated) -> None:
    employer = app.test_client()
    open_link(employer, rated.token)
    # The supervisor chose Spanish; the page reads the same numbers in either language.
    spanish = employer.get("/employer/review").get_data(as_text=True)
    assert _worths(spanish) == ["0 puntos", "5 puntos", "7,5 puntos", "0 puntos", "2,5 puntos"]
    page = employer.get("/employer/review?lang=en").get_data(as_text=True)
    assert _worths(page) == EXPECTED
    preview = flow.client.get(f"/teacher/course/{rated.course_id}/tasks/"
                              f"{rated.placement.task_id}/preview/employer").get_data(as_text=True)

    def levels(html: str) -> list[str]:
        """Each level as a supervisor reads it beside its radio button."""
        return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in re.findall(
            r'<input type="radio"[^>]*value="(?!__not_observed__)[^"]*"[^>]*>\s*'
            r'(?:<label[^>]*>|<span>)(.*?)</(?:label|span)>\s*(?:</label>|<br>)', html, flags=re.S)]

    assert levels(page) == levels(preview) == [
        "Beginning (0 points)", "Proficient (5 points)", "Advanced (7.5 points)",
        "Not yet (0 points)", "Meets (2.5 points)"]
    # Each radio keeps its label: the input sits inside the label that names the level.
    assert re.search(r'<label class="level"><input type="radio" name="level:Communication" '
                     r'value="Proficient"\s*>\s*<span><strong>Proficient</strong> '
                     r'<span class="worth">\(5 points\)</span>', page)


def test_both_moderation_selects_show_each_level_worth(flow: Flow, db: Session,
                                                       rated: Rated) -> None:
    _submit_employer_rating(db, rated.placement, {"Communication": "Proficient",
                                                  "Safety": "Meets"})
    page = flow.client.get(rated.moderation_url).get_data(as_text=True)
    pending = _options(page, "level-1") + _options(page, "level-2")
    direct = _options(page, "direct-1") + _options(page, "direct-2")
    assert pending == direct == EXPECTED
    assert "Proficient (3)" not in page  # the raw points the walk found


def _sent_comment(db: Session) -> tuple[dict[str, object], list[str]]:
    row = db.scalars(select(GradeOutbox).order_by(GradeOutbox.sequence.desc())).first()
    assert row is not None
    return row.score, str(row.score["comment"]).splitlines()


def _added_up(lines: list[str]) -> float:
    return sum(float(m.group(1)) for line in lines
               if (m := re.search(r", ([\d.]+) of [\d.]+ points?", line)))


def test_the_gradebook_comment_gives_each_levels_worth_and_adds_up_to_the_grade(
        flow: Flow, db: Session, rated: Rated) -> None:
    _submit_employer_rating(db, rated.placement, {"Communication": "Proficient",
                                                  "Safety": "Meets"})
    form = {"csrf_token": _csrf(flow, rated.moderation_url), "action": "accept",
            "level:Communication": "Proficient", "level:Safety": "Meets"}
    assert flow.client.post(rated.moderation_url, data=form).status_code == 302
    score, lines = _sent_comment(db)
    assert (score["scoreGiven"], score["scoreMaximum"]) == (7.5, 10.0)
    assert lines[:3] == ["Communication: Proficient, 5 of 7.5 points",
                         "Safety: Meets, 2.5 of 2.5 points", "Total: 7.5 of 10 points"]
    assert _added_up(lines) == score["scoreGiven"]


def test_with_a_criterion_not_observed_the_lines_still_add_up_to_the_grade(
        flow: Flow, db: Session, rated: Rated) -> None:
    """Safety not observed: Communication alone is rescaled to 0–8, so Proficient counts 5.3333."""
    form = {"csrf_token": _csrf(flow, rated.moderation_url), "action": "score",
            "level:Communication": "Proficient", "level:Safety": "__not_observed__"}
    assert flow.client.post(rated.moderation_url, data=form).status_code == 302
    score, lines = _sent_comment(db)
    assert (score["scoreGiven"], score["scoreMaximum"]) == (5.3333, 8.0)
    assert lines[:3] == ["Communication: Proficient, 5.3333 of 8 points",
                         "Safety: not observed, does not count", "Total: 5.3333 of 8 points"]
    assert _added_up(lines) == score["scoreGiven"]


def test_the_gradebook_comment_speaks_the_students_language_not_the_teachers_page(
        flow: Flow, db: Session, rated: Rated) -> None:
    """The student's LMS launched them in Spanish; the teacher who moderates reads English."""
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez",
                email="maya@students.example.org",
                lti_launch_presentation={"locale": "es-419", "document_target": "iframe"})
    flow.launch(role="Instructor",
                lti_launch_presentation={"locale": "en", "document_target": "iframe"})
    _submit_employer_rating(db, rated.placement, {"Communication": "Proficient",
                                                  "Safety": "Meets"})
    page = flow.client.get(rated.moderation_url).get_data(as_text=True)
    assert '<html lang="en">' in page
    form = {"csrf_token": _csrf(flow, rated.moderation_url), "action": "accept",
            "level:Communication": "Proficient", "level:Safety": "Meets"}
    assert flow.client.post(rated.moderation_url, data=form).status_code == 302
    _, lines = _sent_comment(db)
    assert lines == ["Communication: Proficient, 5 de 7,5 puntos",
                     "Safety: Meets, 2,5 de 2,5 puntos", "Total: 7,5 de 10 puntos",
                     "Evaluado por Ana Reyes"]
