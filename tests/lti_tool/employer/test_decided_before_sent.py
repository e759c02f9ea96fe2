"""The teacher decides the final score while the supervisor's rating is still theirs (a draft,
or sent back to them): their page says plainly that nothing more is needed, keeps what they had
saved as they left it, and takes no new rating for the work. A link sent after the teacher
decided still asks for one."""

from __future__ import annotations

import lxml.html
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import Actor, AuditEvent
from competencies.partners import links
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.model import RubricRating
from competencies.scoring.ratings import Choice
from lti_tool.config import Config
from lti_tool.employer import issuing
from tests.competencies.partners.factories import School, school
from tests.lti_tool.employer.conftest import CRITERIA, TEACHER, all_levels, form_token, open_link

TEACHER_ACTOR = Actor("teacher", "Lucia Rivera")
SAID = {
    "en": ("Final score decided by the teacher · Rate Student0 Test's work",
           "Thank you. The teacher has decided the final score for this work, so nothing more "
           "is needed from you."),
    "es": ("Puntaje final decidido por el docente · Evalúe el trabajo de Student0 Test",
           "Gracias. El docente ya decidió el puntaje final de este trabajo, así que no "
           "necesita hacer nada más.")}
KEPT = {"en": "What you had saved is kept as you left it.",
        "es": "Lo que usted había guardado se conserva tal como lo dejó."}


def _opened(client: FlaskClient, db: Session, config: Config, language: str = "en") -> School:
    s = school(db, language=language)
    link = issuing.issue_link(db, config, s.place(db), TEACHER)
    assert open_link(client, link.url.split("#")[1]).status_code == 303  # type: ignore[attr-defined]
    return s


def _save_draft(client: FlaskClient) -> None:
    saved = client.post("/employer/save", data={"form_token": form_token(client),
                                                "level:Communication": "Proficient",
                                                "comment:Communication": "Calm with patients."})
    assert saved.status_code == 200


def _teacher_scores(db: Session) -> None:
    """From the placement's page, every criterion Beginning: the levels the supervisor must
    never see."""
    placement = db.scalar(select(Placement))
    assert placement is not None
    version, rubric = ratings.rubric_for(db, placement)
    moderation.score_directly(db, Work.of_placement(db, placement), version, rubric,
                              TEACHER_ACTOR, {name: Choice("Beginning") for name in CRITERIA})


def _page(client: FlaskClient) -> tuple[str, str, str, lxml.html.HtmlElement]:
    """The page's title, what its main says first after the heading, its HTML and tree."""
    html = client.get("/employer/review").get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    first = tree.get_element_by_id("main").xpath("./h1/following-sibling::*[1]")[0]
    return tree.findtext(".//title"), " ".join(" ".join(first.itertext()).split()), html, tree


def _chosen(tree: lxml.html.HtmlElement) -> dict[str, str]:
    form = next(f for f in tree.forms if f.get("id") == "rating")
    return {name: value for name, value in form.form_values() if name.startswith("level:")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_draft_the_teacher_scored_in_place_of_says_nothing_more_is_needed(
        client: FlaskClient, db: Session, config: Config, language: str) -> None:
    _opened(client, db, config, language)
    _save_draft(client)
    _teacher_scores(db)

    title, said, html, tree = _page(client)
    assert (title, said) == (SAID[language][0], f"{SAID[language][1]} {KEPT[language]}")
    # Their draft as they left it, read-only; never the teacher's levels, nor the score.
    assert _chosen(tree) == {"level:Communication": "Proficient"}
    assert "Calm with patients." in html
    assert all(field.get("disabled") is not None for field in tree.xpath("//form[@id='rating']"
                                                                         "//fieldset"))
    assert not tree.xpath("//button[@type='submit']") and "employer_review.js" not in html
    assert "/ 15" not in html and "5 / " not in html


def test_an_old_form_posted_is_refused_and_the_draft_is_kept(
        client: FlaskClient, db: Session, config: Config) -> None:
    """The supervisor's page was open before the teacher scored; they press Submit."""
    _opened(client, db, config)
    _save_draft(client)
    token = form_token(client)
    _teacher_scores(db)
    before = db.scalar(select(func.count()).select_from(AuditEvent))

    for action in ("submit", "save"):
        sent = client.post(f"/employer/{action}", data={
            "form_token": token, **all_levels("Advanced"), "signature": "Ana Reyes"})
        assert sent.status_code == 409, action
        page = lxml.html.fromstring(sent.get_data(as_text=True))
        assert " ".join(page.xpath("string(//p[@role='alert'])").split()) == (
            "The teacher has already decided the final score for this work, so nothing more "
            "can be sent from this page; nothing was saved.")
    db.expire_all()
    [draft] = db.scalars(select(RubricRating))
    assert (draft.status, draft.submitted_at, draft.signature) == ("superseded", None, "")
    assert {c.criterion: c.level for c in draft.criteria} == {"Communication": "Proficient"}
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert links.state(db.scalar(select(links.EmployerLink))) is links.LinkState.USABLE  # type: ignore[arg-type]


def test_a_rating_sent_back_then_scored_by_the_teacher_is_no_longer_asked_for(
        client: FlaskClient, db: Session, config: Config) -> None:
    s = _opened(client, db, config, "es")
    client.post("/employer/submit", data={"form_token": form_token(client), **all_levels(),
                                          "signature": "Ana Reyes"})
    rating = db.scalar(select(RubricRating))
    assert rating is not None
    moderation.send_back(db, rating, TEACHER_ACTOR, "Please rate problem solving again.")
    links.reopen(db, rating.placement_id, s.supervisor.id)
    db.commit()
    _teacher_scores(db)

    title, said, _, tree = _page(client)
    assert (title, said) == (SAID["es"][0], f"{SAID['es'][1]} {KEPT['es']}")
    assert _chosen(tree) == {f"level:{name}": "Proficient" for name in CRITERIA}
    refused = client.post("/employer/submit", data={"form_token": form_token(client),
                                                    **all_levels(), "signature": "Ana Reyes"})
    assert refused.status_code == 409
    assert "El docente ya decidió el puntaje final" in refused.get_data(as_text=True)


def test_with_nothing_saved_the_page_says_only_that_nothing_more_is_needed(
        client: FlaskClient, db: Session, config: Config) -> None:
    _opened(client, db, config)
    _teacher_scores(db)
    title, said, _, tree = _page(client)
    assert (title, said) == SAID["en"]
    assert _chosen(tree) == {}
    assert db.scalar(select(func.count()).select_from(RubricRating)) == 0


def test_a_link_sent_after_the_teacher_decided_still_takes_a_rating(
        client: FlaskClient, db: Session, config: Config) -> None:
    """The teacher scored, then asked the supervisor anyway: their rating waits for them."""
    s = school(db)
    s.place(db)
    _teacher_scores(db)
    placement = db.scalar(select(Placement))
    assert placement is not None
    link = issuing.issue_link(db, config, placement, TEACHER)
    assert open_link(client, link.url.split("#")[1]).status_code == 303
    assert client.post("/employer/submit", data={
        "form_token": form_token(client), **all_levels(), "signature": "Ana Reyes"}
    ).status_code == 303
    assert db.scalar(select(RubricRating.status)) == "pending"
    assert _page(client)[1].startswith("Thank you. Your rating was submitted on")
