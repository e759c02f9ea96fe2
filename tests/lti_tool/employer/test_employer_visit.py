"""A supervisor's visit after the link opens: the language they choose stays chosen."""

from __future__ import annotations

import lxml.html
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.audit import Actor
from lti_tool.config import Config
from lti_tool.employer import issuing
from tests.competencies.partners.factories import School, school
from tests.lti_tool.employer.conftest import TEACHER, all_levels, form_token, open_link

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
    """The page's language, its title, and what its main says."""
    page = lxml.html.fromstring(client.get("/employer/review").get_data(as_text=True))
    main = page.get_element_by_id("main")
    return page.get("lang"), page.findtext(".//title"), " ".join(" ".join(main.itertext()).split())


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
    assert lang == "en" and "Thank you. Your rating was submitted on" in said
    client.get("/employer/review?lang=es")
    assert _top(client)[0] == "es"
