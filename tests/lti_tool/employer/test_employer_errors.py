"""What goes wrong at an employer address is said to an employer: usted in Spanish, and the way
back is the emailed link or a new one from the teacher, never "open Worklink from your course"."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config
from lti_tool.employer import issuing
from lti_tool.employer import page as employer_page
from tests.competencies.partners.factories import school
from tests.lti_tool.employer.conftest import TEACHER, Issued, all_levels, open_link

SPANISH = {"Accept-Language": "es-419,es;q=0.9"}
LMS_ADVICE = ("from your course", "from the course", "in the LMS", "desde el curso",
              "desde tu curso", "en el LMS", "Abre Worklink", "No tienes acceso")
ASK_THE_TEACHER = "ask the teacher who sent it to you for a new one"
PIDA_AL_DOCENTE = "pida uno nuevo al docente que se lo envió"


def _speaks_to_an_employer(body: str, words: str) -> None:
    assert words in body
    assert not [advice for advice in LMS_ADVICE if advice in body]


@pytest.mark.parametrize(("headers", "lang", "words"), [
    ({}, "en", ASK_THE_TEACHER), (SPANISH, "es", PIDA_AL_DOCENTE)])
def test_a_form_with_a_foreign_token_gets_the_employers_403(
        client: FlaskClient, issued: Issued, headers: dict[str, str], lang: str,
        words: str) -> None:
    open_link(client, issued.token)
    response = client.post("/employer/save", headers=headers,
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


@pytest.mark.parametrize(("language", "headers", "words"), [
    ("en", {}, ("Ask the teacher for a new one", "withdrawn by the teacher")),
    ("es", SPANISH, ("Pida uno nuevo al docente", "consulte al docente"))])
def test_an_expired_or_revoked_link_is_refused_in_the_employers_words(
        client: FlaskClient, db: Session, config: Config, language: str,
        headers: dict[str, str], words: tuple[str, str]) -> None:
    """An expired token is refused before its supervisor is looked up: the browser's language."""
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
        _speaks_to_an_employer(response.get_data(as_text=True), said)


@pytest.mark.parametrize(("headers", "words"), [
    ({}, "tell the teacher who sent you the link"),
    (SPANISH, "indique al docente que le envió el enlace")])
def test_a_failure_on_the_employers_page_gets_the_employers_500(
        app: Flask, issued: Issued, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str],
        words: str) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    open_link(client, issued.token)

    def broken(*_args: object) -> employer_page.EmployerPage:
        raise RuntimeError("rubric table on fire")

    monkeypatch.setattr(employer_page, "load", broken)
    response = client.get("/employer/review", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "rubric table on fire" not in body
    _speaks_to_an_employer(body, words)
