"""What goes wrong at an employer address is said to an employer: usted in Spanish, and the way
back is the emailed link or a new one from the teacher, never "open Worklink from your course".
Once a link names its supervisor, its pages speak the supervisor's language, whatever the
browser asks; before that, the browser's."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config
from lti_tool.employer import issuing
from lti_tool.employer import page as employer_page
from lti_tool.employer.rate_limit import EmployerLimits
from tests.competencies.partners.factories import school
from tests.lti_tool.employer.conftest import TEACHER, all_levels, open_link

SPANISH = {"Accept-Language": "es-419,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
OTHER_BROWSER = {"en": SPANISH, "es": ENGLISH}
"""A browser asking for the other language than the supervisor's."""
LMS_ADVICE = ("from your course", "from the course", "in the LMS", "desde el curso",
              "desde tu curso", "en el LMS", "Abre Worklink", "No tienes acceso")
ASK_THE_TEACHER = "ask the teacher who sent it to you for a new one"
PIDA_AL_DOCENTE = "pida uno nuevo al docente que se lo envió"


def _speaks_to_an_employer(body: str, words: str) -> None:
    assert words in body
    assert not [advice for advice in LMS_ADVICE if advice in body]


def _token(db: Session, config: Config, language: str) -> str:
    """A live link for a supervisor who reads ``language``."""
    link = issuing.issue_link(db, config, school(db, language=language).place(db), TEACHER)
    return link.url.split("#")[1]


@pytest.mark.parametrize(("lang", "words"), [("en", ASK_THE_TEACHER), ("es", PIDA_AL_DOCENTE)])
def test_a_form_with_a_foreign_token_gets_the_employers_403(
        client: FlaskClient, db: Session, config: Config, lang: str, words: str) -> None:
    open_link(client, _token(db, config, lang))
    response = client.post("/employer/save", headers=OTHER_BROWSER[lang],
                           data={"form_token": "0" * 64, **all_levels()})
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and f'<html lang="{lang}">' in body
    _speaks_to_an_employer(body, words)


@pytest.mark.parametrize(("headers", "words"), [
    ({}, ASK_THE_TEACHER), (SPANISH, PIDA_AL_DOCENTE)])
@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/employer/no-such-page", 404), ("GET", "/employer/save", 405)])
def test_an_employer_address_no_page_answers_gets_the_employers_page(
        client: FlaskClient, method: str, path: str, status: int, headers: dict[str, str],
        words: str) -> None:
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == status
    _speaks_to_an_employer(response.get_data(as_text=True), words)


@pytest.mark.parametrize(("headers", "words"), [
    ({}, "This link is not valid"), (SPANISH, "Este enlace no es válido")])
def test_an_unknown_link_is_refused_in_the_browsers_language(
        client: FlaskClient, headers: dict[str, str], words: str) -> None:
    response = client.post("/employer/session", data={"token": "not-a-token"}, headers=headers)
    assert response.status_code == 400
    _speaks_to_an_employer(response.get_data(as_text=True), words)


@pytest.mark.parametrize(("language", "words"), [
    ("en", ("Ask the teacher who sent it to you for a new one", "withdrawn by the teacher")),
    ("es", ("Pida uno nuevo al docente que se lo envió", "consulte al docente"))])
def test_an_expired_or_revoked_link_is_refused_in_the_supervisors_language(
        client: FlaskClient, db: Session, config: Config, language: str,
        words: tuple[str, str]) -> None:
    """An expired token's signature still holds, so it names its supervisor as a revoked one
    does; both pages speak their language, not the browser's."""
    headers = OTHER_BROWSER[language]
    placement = school(db, language=language).place(db)
    expired = issuing.issue_link(db, config, placement, TEACHER).link
    expired.issued_at -= dt.timedelta(days=20)
    expired.expires_at = expired.issued_at + dt.timedelta(days=14)
    db.flush()
    revoked = issuing.issue_link(db, config, placement, TEACHER).link
    issuing.issue_link(db, config, placement, TEACHER)
    for link, said in zip((expired, revoked), words, strict=True):
        token = issuing.link_url(db, config, link).split("#")[1]
        response = client.post("/employer/session", data={"token": token}, headers=headers)
        assert response.status_code == 410
        body = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in body
        _speaks_to_an_employer(body, said)


@pytest.mark.parametrize("language", ["en", "es"])
def test_too_many_requests_through_a_link_are_refused_in_the_supervisors_language(
        app: Flask, client: FlaskClient, db: Session, config: Config, language: str) -> None:
    app.extensions["worklink.employer_limits"] = EmployerLimits(None, per_link="1/minute")
    token = _token(db, config, language)
    assert open_link(client, token).status_code == 303
    response = client.post("/employer/session", data={"token": token},
                           headers=OTHER_BROWSER[language])
    assert response.status_code == 429
    assert f'<html lang="{language}">' in response.get_data(as_text=True)


def _refused(client: FlaskClient, db: Session, config: Config, reason: str) -> object:
    if reason == "missing":
        return client.get("/employer/review")
    if reason == "tampered":
        return open_link(client, "not-a-token")
    placement = school(db).place(db)
    link = issuing.issue_link(db, config, placement, TEACHER).link
    if reason == "expired":
        link.issued_at -= dt.timedelta(days=20)
        link.expires_at = link.issued_at + dt.timedelta(days=14)
        db.flush()
    else:
        issuing.issue_link(db, config, placement, TEACHER)
    return open_link(client, issuing.link_url(db, config, link).split("#")[1])


@pytest.mark.parametrize(("reason", "status", "headline"), [
    ("missing", 401, "Open the link from the email you received"),
    ("tampered", 400, "This link is not valid"),
    ("expired", 410, "This link has expired"),
    ("revoked", 410, "This link was withdrawn by the teacher")])
def test_a_refused_link_has_a_heading_and_a_title_saying_what_happened(
        client: FlaskClient, db: Session, config: Config, reason: str, status: int,
        headline: str) -> None:
    response = _refused(client, db, config, reason)
    assert response.status_code == status  # type: ignore[attr-defined]
    page = lxml.html.fromstring(response.get_data(as_text=True))  # type: ignore[attr-defined]
    assert [h1.text_content() for h1 in page.iter("h1")] == [headline]
    assert page.findtext(".//title") == f"{headline} · Worklink"


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "tell the teacher who sent you the link"),
    ("es", "indique al docente que le envió el enlace")])
def test_a_failure_on_the_employers_page_gets_the_employers_500(
        app: Flask, db: Session, config: Config, monkeypatch: pytest.MonkeyPatch, lang: str,
        words: str) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    open_link(client, _token(db, config, lang))
    headers = OTHER_BROWSER[lang]

    def broken(*_args: object) -> employer_page.EmployerPage:
        raise RuntimeError("rubric table on fire")

    monkeypatch.setattr(employer_page, "load", broken)
    response = client.get("/employer/review", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "rubric table on fire" not in body
    _speaks_to_an_employer(body, words)
