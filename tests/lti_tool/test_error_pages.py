"""Error pages speak Worklink's words, say what to do next, and never show Werkzeug's stock text."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from lti_tool.security import SESSION_HEADER, Role
from tests.lti_tool.session_factories import session_token

STOCK = ("The requested URL was not found on the server", "supplied the wrong credentials",
         "The server encountered an internal error", "If you entered the URL manually")


def _page(client: FlaskClient, path: str, **headers: str) -> tuple[int, str]:
    response = client.get(path, headers=headers)
    return response.status_code, response.get_data(as_text=True)


def test_an_unknown_address_is_a_worklink_404_with_a_next_step(client: FlaskClient) -> None:
    status, body = _page(client, "/no/such/page")
    assert status == 404
    assert "Page not found" in body and "Open Worklink again from your course in the LMS." in body
    assert not any(text in body for text in STOCK)


def test_a_page_without_a_session_asks_to_open_worklink_from_the_course(client: FlaskClient) -> None:
    status, body = _page(client, "/teacher/course/1")
    assert status == 401
    assert "Please open Worklink from your course" in body
    assert not any(text in body for text in STOCK)


def test_error_pages_follow_the_browser_language(client: FlaskClient) -> None:
    status, body = _page(client, "/no/such/page", **{"Accept-Language": "es-419,es;q=0.9"})
    assert status == 404 and '<html lang="es">' in body and "No encontramos la página" in body


@pytest.mark.parametrize("status", [400, 403, 405, 409, 413, 429, 500, 502, 503, 504])
def test_every_status_has_its_own_words_and_a_next_step(app: Flask, status: int) -> None:
    app.add_url_rule(f"/boom/{status}", f"boom{status}", lambda: abort(status))
    body = app.test_client().get(f"/boom/{status}").get_data(as_text=True)
    assert f"Error {status}" in body and 'class="hint"' in body
    assert not any(text in body for text in STOCK)


def test_an_unexpected_exception_is_a_worklink_500(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode() -> str:
        raise RuntimeError("database on fire")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong in Worklink" in body
    assert "database on fire" not in body and "Reload the page in a minute" in body


def test_a_view_s_own_message_is_kept(app: Flask) -> None:
    app.add_url_rule("/mine", "mine", lambda: abort(403, "Only the teachers of this course may."))
    body = app.test_client().get("/mine").get_data(as_text=True)
    assert "Only the teachers of this course may." in body and "You do not have access" in body


def test_the_root_address_says_what_worklink_is_and_how_to_reach_it(client: FlaskClient) -> None:
    status, body = _page(client, "/")
    assert status == 200
    assert "open Worklink from your course in the LMS" in body


def test_an_lms_403_still_sends_people_back_to_their_course(app: Flask) -> None:
    app.add_url_rule("/teacher/forbidden", "forbidden", lambda: abort(403))
    client = app.test_client()
    body = client.get("/teacher/forbidden").get_data(as_text=True)
    assert "You do not have access to this page" in body
    assert "Open Worklink from the course you want to work in." in body
    spanish = client.get("/teacher/forbidden", headers={"Accept-Language": "es"})
    assert "Abre Worklink desde el curso" in spanish.get_data(as_text=True)


def test_a_signed_in_student_is_led_back_to_their_course_home(client: FlaskClient,
                                                               app: Flask) -> None:
    headers = {SESSION_HEADER: session_token(app, Role.STUDENT, course_id=3)}
    status, body = _page(client, "/no/such/page", **headers)
    assert status == 404 and 'href="/student/course/3">Go to your course home</a>' in body
    # Without a session there is no course to go back to: the advice says how to open it.
    status, body = _page(client, "/no/such/page")
    assert status == 404 and "Go to your course home" not in body
