"""A supervisor opens a signed link, rates the rubric and signs; bad links each get a page."""

from __future__ import annotations

import datetime as dt

import jwt
import lxml.html
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import AuditEvent
from competencies.partners import links
from competencies.partners.links import LinkState
from competencies.scoring.model import CriterionRating, RubricRating
from lti_tool.config import Config
from lti_tool.employer import issuing, tokens
from lti_tool.lti import keys
from tests.competencies.partners.factories import school
from tests.lti_tool.employer.conftest import TEACHER, Issued, all_levels, form_token, open_link


def _actions(db: Session, placement_id: int) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.placement_id == placement_id).order_by(AuditEvent.id)))


def _ratings(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(RubricRating)) or 0


def test_the_link_is_built_from_the_base_url_with_the_token_in_the_fragment(
        issued: Issued) -> None:
    assert issued.link.url.startswith("https://worklink.test/employer/open#ey")


def test_the_open_page_holds_no_token_and_says_no_referrer(client: FlaskClient) -> None:
    response = client.get("/employer/open")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert b"employer_open.js" in response.data


def test_opening_a_link_changes_nothing_but_the_audit(client: FlaskClient, db: Session,
                                                      issued: Issued) -> None:
    """A mail scanner opens (and may post) the link before the supervisor does."""
    for _ in range(2):
        response = open_link(client, issued.token)
        assert response.status_code == 303 and response.headers["Location"] == "/employer/review"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/employer" in cookie
    assert "Secure" in cookie  # the base URL is https
    page = client.get("/employer/review")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Rate Student0 Test" in text and "Clinic internship" in text
    assert "Not observed" in text and "Communication" in text
    assert links.state(issued.link.link) is LinkState.USABLE
    assert _ratings(db) == 0
    assert _actions(db, issued.placement.id) == ["link.issued", "link.opened", "link.opened"]


def test_the_supervisor_saves_a_draft_then_submits_and_the_link_turns_read_only(
        client: FlaskClient, db: Session, issued: Issued) -> None:
    open_link(client, issued.token)
    token = form_token(client)
    saved = client.post("/employer/save", data={"form_token": token,
                                                "level:Communication": "Advanced",
                                                "comment:Communication": "Great with patients"})
    assert saved.status_code == 200 and b"Draft saved" in saved.data
    choices = {**all_levels(), "level:Communication": "Advanced",
               "level:Problem solving": "__not_observed__"}
    missing = client.post("/employer/submit", data={"form_token": token, **choices})
    assert missing.status_code == 422 and b"Type your name" in missing.data
    done = client.post("/employer/submit", data={"form_token": token, **choices,
                                                 "signature": "Ana Reyes"})
    assert done.status_code == 303
    rating = db.scalar(select(RubricRating))
    assert rating is not None and rating.status == "pending" and rating.signature == "Ana Reyes"
    db.refresh(issued.link.link)
    assert links.state(issued.link.link) is LinkState.USED
    page = client.get("/employer/review").get_data(as_text=True)
    assert "can no longer be changed" in page or "was submitted" in page
    again = client.post("/employer/submit", data={"form_token": token, **all_levels("Beginning"),
                                                  "signature": "Mallory"})
    assert again.status_code == 409
    db.refresh(rating)
    assert {c.level for c in rating.criteria} == {"Advanced", "Proficient", None}
    assert _actions(db, issued.placement.id)[-3:] == ["rating.saved", "link.used",
                                                      "rating.submitted"]


def _rating_form(client: FlaskClient) -> lxml.html.FormElement:
    page = client.get("/employer/review").get_data(as_text=True)
    [form] = [f for f in lxml.html.fromstring(page).forms if f.get("id") == "rating"]
    return form


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_comment_and_signature_start_empty_and_the_form_as_shown_stores_no_text(
        client: FlaskClient, db: Session, config: Config, language: str) -> None:
    """The first visit showed "None" in both, which autosave then stored as the comment."""
    link = issuing.issue_link(db, config, school(db, language=language).place(db), TEACHER)
    open_link(client, link.url.split("#")[1])
    form = _rating_form(client)
    assert (form.inputs["overall"].value, form.inputs["signature"].value) == ("", "")
    # What autosave sends once a level is chosen: the form's fields as they stand.
    sent = {**dict(form.form_values()), "level:Communication": "Advanced"}
    assert client.post("/employer/save", data=sent).status_code == 200
    rating = db.scalar(select(RubricRating))
    assert rating is not None and rating.overall_comment == ""
    submitted = client.post("/employer/submit", data={**sent, **all_levels()})
    assert submitted.status_code == 422 and rating.signature == ""


def test_a_criterion_or_level_not_in_the_rubric_or_a_script_comment_changes_nothing(
        client: FlaskClient, db: Session, issued: Issued) -> None:
    open_link(client, issued.token)
    token = form_token(client)
    for form, message in [
        ({"level:Punctuality": "Advanced"}, "no criterion “Punctuality”"),
        ({"level:Communication": "Superb"}, "“Communication” has no level “Superb”"),
        ({"level:Communication": "Advanced", "comment:Communication": "<script>x</script>"},
         "must be plain text"),
    ]:
        response = client.post("/employer/save", data={"form_token": token, **form})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(CriterionRating)) == 0


def test_a_form_without_the_pages_token_is_refused(client: FlaskClient, db: Session,
                                                   issued: Issued) -> None:
    open_link(client, issued.token)
    response = client.post("/employer/submit", data={**all_levels(), "signature": "Ana"})
    assert response.status_code == 403
    assert _ratings(db) == 0


def test_a_tampered_link_gets_its_page_and_changes_nothing(client: FlaskClient, db: Session,
                                                           issued: Issued) -> None:
    header, payload, signature = issued.token.split(".")
    forged_claims = jwt.decode(issued.token, options={"verify_signature": False})
    forged_claims["plc"] = forged_claims["plc"] + 1
    forged = ".".join([header, jwt.utils.base64url_encode(  # type: ignore[attr-defined]
        jwt.api_jws.json.dumps(forged_claims).encode()).decode(), signature])
    for token in (forged, issued.token[:-4], "not-a-token"):
        response = open_link(client, token)
        assert response.status_code == 400
        assert b"This link is not valid" in response.data
        assert "Set-Cookie" not in response.headers
    assert _actions(db, issued.placement.id) == ["link.issued"]


def test_an_expired_link_gets_its_page(client: FlaskClient, db: Session, config: Config,
                                       issued: Issued) -> None:
    link = issued.link.link
    link.issued_at -= dt.timedelta(days=20)
    link.expires_at = link.issued_at + dt.timedelta(days=14)
    db.flush()
    token = issuing.link_url(db, config, link).split("#")[1]
    response = open_link(client, token)
    assert response.status_code == 410 and b"This link has expired" in response.data


def test_a_revoked_link_gets_its_page_and_a_new_link_works(client: FlaskClient, db: Session,
                                                           config: Config,
                                                           issued: Issued) -> None:
    newer = issuing.issue_link(db, config, issued.placement, TEACHER)
    response = open_link(client, issued.token)
    assert response.status_code == 410 and b"withdrawn by the teacher" in response.data
    assert open_link(client, newer.url.split("#")[1]).status_code == 303


def test_a_token_signed_with_another_tenants_key_gets_its_page(client: FlaskClient,
                                                               db: Session, config: Config,
                                                               issued: Issued) -> None:
    other = school(db)
    their_key = keys.signing_key(db, tokens.purpose_for(other.context.registration_id))
    claims = jwt.decode(issued.token, options={"verify_signature": False})
    token = jwt.encode(claims, their_key.private_key, algorithm="RS256",
                       headers={"kid": their_key.kid})
    response = open_link(client, token)
    assert response.status_code == 403 and b"not issued by this school" in response.data


def test_a_link_bound_to_the_email_asks_for_it(client: FlaskClient, db: Session,
                                               config: Config, issued: Issued) -> None:
    bound = issuing.issue_link(db, config, issued.placement, TEACHER, bind_email=True)
    token = bound.url.split("#")[1]
    asked = open_link(client, token)
    assert asked.status_code == 200 and b"Confirm your email" in asked.data
    wrong = open_link(client, token, email="someone@else.example.org")
    assert wrong.status_code == 422 and b"not the address" in wrong.data
    assert open_link(client, token, email="Ana.Reyes@clinic.example.org").status_code == 303


def test_the_page_follows_the_supervisors_language_and_can_switch(client: FlaskClient,
                                                                  db: Session,
                                                                  config: Config) -> None:
    s = school(db, language="es")
    link = issuing.issue_link(db, config, s.place(db), TEACHER)
    open_link(client, link.url.split("#")[1])
    page = client.get("/employer/review").get_data(as_text=True)
    assert '<html lang="es">' in page and "No observado" in page and "Enviar evaluación" in page
    english = client.get("/employer/review?lang=en").get_data(as_text=True)
    assert "Submit rating" in english


def test_opening_is_rate_limited_per_address(client: FlaskClient, issued: Issued) -> None:
    statuses = [open_link(client, "not-a-token").status_code for _ in range(31)]
    assert statuses[:30] == [400] * 30 and statuses[30] == 429
    other = client.post("/employer/session", data={"token": issued.token},
                        environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert other.status_code == 303


def test_the_review_page_without_a_link_says_so(client: FlaskClient) -> None:
    response = client.get("/employer/review")
    assert response.status_code == 401 and b"Open the link from the email" in response.data
