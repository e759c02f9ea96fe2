"""A supervisor's visit after the link opens: the language they choose stays chosen, and once
they submit, the top of the page says what became of their rating, dated as their language
writes dates in the course's time zone."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners import links
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.model import RubricRating
from competencies.scoring.ratings import Choice
from lti_tool import course_time
from lti_tool.config import Config
from lti_tool.employer import issuing
from tests.competencies.partners.factories import School, school
from tests.lti_tool.employer.conftest import (
    CRITERIA,
    TEACHER,
    all_levels,
    form_token,
    open_link,
)

TEACHER_ACTOR = Actor("teacher", "Lucia Rivera")


def _open(client: FlaskClient, db: Session, config: Config, language: str) -> School:
    s = school(db, language=language)
    link = issuing.issue_link(db, config, s.place(db), TEACHER)
    assert open_link(client, link.url.split("#")[1]).status_code == 303  # type: ignore[attr-defined]
    return s


def _submit(client: FlaskClient) -> None:
    done = client.post("/employer/submit", data={"form_token": form_token(client),
                                                 **all_levels(), "signature": "Ana Reyes"})
    assert done.status_code == 303 and done.headers["Location"] == "/employer/review"


def _top(client: FlaskClient) -> tuple[str, str, str]:
    """The page's language, its title, and what its main says first after the heading."""
    page = lxml.html.fromstring(client.get("/employer/review").get_data(as_text=True))
    main = page.get_element_by_id("main")
    first = main.xpath("./h1/following-sibling::*[1]")[0]
    return page.get("lang"), page.findtext(".//title"), " ".join(" ".join(first.itertext()).split())


def test_the_language_the_supervisor_chose_stays_after_they_submit(
        client: FlaskClient, db: Session, config: Config) -> None:
    """The supervisor reads Spanish; they switch to English, rate and submit."""
    _open(client, db, config, "es")
    assert '<html lang="es">' in client.get("/employer/review").get_data(as_text=True)
    chosen = client.get("/employer/review?lang=en")
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("wl_employer_lang=en;") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Path=/employer" in cookie
    saved = client.post("/employer/save", data={"form_token": form_token(client),
                                                "level:Communication": "Advanced"})
    assert "Draft saved." in saved.get_data(as_text=True)
    _submit(client)
    lang, _, said = _top(client)
    assert lang == "en" and said.startswith("Thank you. Your rating was submitted on")
    client.get("/employer/review?lang=es")
    assert _top(client)[0] == "es"


@pytest.mark.parametrize(("language", "zone", "said", "title"), [
    ("en", "America/Los_Angeles",
     "Thank you. Your rating was submitted on Dec 7, 2026; the teacher will review it.",
     "Rating submitted · Rate Student0 Test's work"),
    ("es", "Europe/Madrid",
     "Gracias. Su evaluación se envió el 8 dic 2026; el docente la revisará.",
     "Evaluación enviada · Evalúe el trabajo de Student0 Test")])
def test_the_confirmation_comes_first_dated_in_the_pages_language_and_the_courses_zone(
        client: FlaskClient, db: Session, config: Config, language: str, zone: str, said: str,
        title: str) -> None:
    s = _open(client, db, config, language)
    course_time.set_zone(db, s.context.course_id, zone)
    _submit(client)
    rating = db.scalar(select(RubricRating))
    assert rating is not None
    rating.submitted_at = dt.datetime(2026, 12, 8, 3, 30, tzinfo=dt.UTC)
    db.commit()
    assert _top(client) == (language, title, said)


@pytest.mark.parametrize(("language", "said", "title"), [
    ("en", "Thank you. Your rating was submitted on Dec 8, 2026 and accepted on Dec 10, 2026. "
           "There is nothing more for you to do.", "Rating accepted · Rate Student0 Test's work"),
    ("es", "Gracias. Su evaluación se envió el 8 dic 2026 y fue aceptada el 10 dic 2026. No "
           "tiene que hacer nada más.", "Evaluación aceptada · Evalúe el trabajo de Student0 Test")])
def test_once_the_teacher_accepts_the_page_says_it_was_accepted_and_when(
        client: FlaskClient, db: Session, config: Config, language: str, said: str,
        title: str) -> None:
    s = _open(client, db, config, language)
    course_time.set_zone(db, s.context.course_id, "America/Los_Angeles")
    _submit(client)
    rating = db.scalar(select(RubricRating))
    assert rating is not None
    rating.submitted_at = dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC)
    _, rubric = ratings.rubric_of_rating(db, rating)
    final = moderation.accept(db, rating, rubric, TEACHER_ACTOR)
    # Accepted late on the 10th in the course's zone: already the 11th in UTC.
    final.decided_at = dt.datetime(2026, 12, 11, 5, 0, tzinfo=dt.UTC)
    db.commit()
    assert _top(client) == (language, title, said)


def _teacher_scores_it_instead(db: Session, level: str = "Beginning") -> None:
    """The teacher scores the rubric from the placement's page, in place of the employer."""
    placement = db.scalar(select(Placement))
    assert placement is not None
    version, rubric = ratings.rubric_for(db, placement)
    moderation.score_directly(db, Work.of_placement(db, placement), version, rubric,
                              TEACHER_ACTOR, {name: Choice(level) for name in CRITERIA})


@pytest.mark.parametrize(("language", "said", "title"), [
    ("en", "Thank you. Your rating was submitted on Dec 8, 2026. The teacher has decided the "
           "final score in place of your rating, so there is nothing more for you to do.",
     "Final score decided by the teacher · Rate Student0 Test's work"),
    ("es", "Gracias. Su evaluación se envió el 8 dic 2026. El docente decidió el puntaje final "
           "en lugar de su evaluación, así que no tiene que hacer nada más.",
     "Puntaje final decidido por el docente · Evalúe el trabajo de Student0 Test")])
@pytest.mark.parametrize("accepted_first", [False, True], ids=["pending", "accepted"])
def test_once_the_teacher_scores_in_place_of_the_employer_the_page_says_so_plainly(
        client: FlaskClient, db: Session, config: Config, language: str, said: str,
        title: str, accepted_first: bool) -> None:
    """The rating waiting for moderation, or already accepted, is replaced by the teacher's own
    score: the page no longer says the rating "can no longer be changed" as if it were final,
    and shows the employer their own rating, never the teacher's levels or the score."""
    _open(client, db, config, language)
    _submit(client)
    rating = db.scalar(select(RubricRating))
    assert rating is not None
    rating.submitted_at = dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC)
    if accepted_first:
        _, rubric = ratings.rubric_of_rating(db, rating)
        moderation.accept(db, rating, rubric, TEACHER_ACTOR)
    _teacher_scores_it_instead(db)
    assert _top(client) == (language, title, said)
    page = client.get("/employer/review").get_data(as_text=True)
    form = next(f for f in lxml.html.fromstring(page).forms if f.get("id") == "rating")
    chosen = {name: value for name, value in form.form_values() if name.startswith("level:")}
    assert chosen == {f"level:{name}": "Proficient" for name in CRITERIA}  # theirs, as sent
    assert "Beginning" not in {v for _, v in form.form_values()}
    assert "15" not in _top(client)[2] and "/ 15" not in page and "5 / " not in page
    assert "Ana Reyes" in page  # their signature


def test_a_rating_sent_back_says_so_first_with_the_note(
        client: FlaskClient, db: Session, config: Config) -> None:
    s = _open(client, db, config, "en")
    _submit(client)
    rating = db.scalar(select(RubricRating))
    assert rating is not None
    moderation.send_back(db, rating, TEACHER_ACTOR, "Please rate problem solving too.")
    links.reopen(db, rating.placement_id, s.supervisor.id)
    db.commit()
    _, title, said = _top(client)
    assert title == "Rating sent back · Rate Student0 Test's work"
    assert said == ("The teacher sent your rating back with this note: Please rate problem "
                    "solving too. Change what is needed, then sign and submit it again.")
