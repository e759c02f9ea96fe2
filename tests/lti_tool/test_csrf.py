"""Form tokens are checked on every unsafe request unless a route says it is exempt."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from lti_tool import csrf
from lti_tool.security import SESSION_HEADER, Role, require
from tests.lti_tool.session_factories import session_token

CALLS: list[str] = []


@pytest.fixture
def forgetful_app(app: Flask) -> Flask:
    """A route whose author never thought about CSRF, and one that opted out on purpose."""
    CALLS.clear()

    @app.post("/forgotten")
    @require(Role.TEACHER, course_param=None)
    def forgotten() -> str:
        CALLS.append("forgotten")
        return "changed"

    @app.get("/forgotten/form")
    @require(Role.TEACHER, course_param=None)
    def forgotten_form() -> str:
        return f'<input name="csrf_token" value="{csrf.csrf_token()}">'

    @app.post("/exempt")
    @csrf.exempt
    def exempted() -> str:
        CALLS.append("exempt")
        return "fine"

    def draw_again(problem: str, number: int) -> tuple[str, int]:
        CALLS.append(f"drawn again: {problem} ({request.form.get('typed')}, {number})")
        return "the form again", 422

    @app.post("/redrawn/<int:number>")
    @require(Role.TEACHER, course_param=None)
    @csrf.redrawn_when_expired(draw_again)
    def redrawn(number: int) -> str:
        CALLS.append("redrawn")
        return "changed"

    return app


def test_a_forgotten_route_refuses_a_post_without_the_token(forgetful_app: Flask) -> None:
    """Another site makes a signed-in teacher's browser post to a route that forgot the check."""
    client = forgetful_app.test_client()
    headers = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    response = client.post("/forgotten", headers=headers, data={"anything": "1"})
    assert response.status_code == 403 and CALLS == []


def test_the_token_comes_in_the_form_or_the_header(forgetful_app: Flask) -> None:
    client = forgetful_app.test_client()
    headers = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    token = re.search(r'value="([^"]+)"', client.get("/forgotten/form", headers=headers).get_data(as_text=True))
    assert token is not None
    assert client.post("/forgotten", headers=headers, data={"csrf_token": token.group(1)}).status_code == 200
    assert client.post("/forgotten", headers={**headers, csrf.HEADER: token.group(1)}).status_code == 200
    assert CALLS == ["forgotten", "forgotten"]


def test_another_sessions_token_is_refused(forgetful_app: Flask) -> None:
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    theirs = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    token = re.search(r'value="([^"]+)"', client.get("/forgotten/form", headers=theirs).get_data(as_text=True))
    assert token is not None
    assert client.post("/forgotten", headers=mine, data={"csrf_token": token.group(1)}).status_code == 403
    assert CALLS == []


def test_an_exempt_route_says_so(forgetful_app: Flask) -> None:
    assert forgetful_app.test_client().post("/exempt").status_code == 200 and CALLS == ["exempt"]


def test_every_unsafe_route_is_checked_or_explicitly_exempt(app: Flask) -> None:
    """The list of exemptions is short: the LTI endpoints, the employer's pages (their own form
    token, bound to their link), the sandbox LMS, the tus uploads (they require the session
    header, which another site cannot send without a preflight), and two sign-in posts."""
    exempt = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if rule.methods and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and (getattr(app.view_functions[rule.endpoint], "_worklink_csrf_exempt", False)
             or getattr(app.blueprints.get(rule.endpoint.rpartition(".")[0]), "_worklink_csrf_exempt", False))
    )
    assert [r for r in exempt if not r.startswith(("/lti/", "/sandbox/", "/employer/", "/uploads"))] == [
        "/admin/signin", "/session/window"]


def test_a_stale_form_is_told_apart_from_a_missing_right(forgetful_app: Flask) -> None:
    """A teacher sends a form drawn before their session ended: the page says the form expired
    and nothing was saved, not that they lack access, and leads back to their course home."""
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER, course_id=7)}
    theirs = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    token = re.search(r'value="([^"]+)"', client.get("/forgotten/form", headers=theirs).get_data(as_text=True))
    assert token is not None
    response = client.post("/forgotten", headers=mine, data={"csrf_token": token.group(1)})
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and CALLS == []
    assert "This form has expired" in body and "Nothing was saved." in body
    assert "send the form again" in body and "You do not have access" not in body
    assert 'href="/teacher/course/7">Go to your course home</a>' in body

    spanish = client.post("/forgotten", headers={**mine, "Accept-Language": "es"},
                          data={"csrf_token": token.group(1)}).get_data(as_text=True)
    assert "Este formulario venció" in spanish and "No se guardó nada." in spanish


def _stale_token(client: FlaskClient, app: Flask) -> str:
    """A form token drawn in another session (one that has since ended, as far as the asking
    browser knows)."""
    theirs = {SESSION_HEADER: session_token(app, Role.TEACHER)}
    token = re.search(r'value="([^"]+)"',
                      client.get("/forgotten/form", headers=theirs).get_data(as_text=True))
    assert token is not None
    return token.group(1)


def test_a_form_that_redraws_itself_comes_back_when_its_token_is_stale(
        forgetful_app: Flask) -> None:
    """What was sent is drawn again with the reason; the view that saves never runs."""
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER),
            "Sec-Fetch-Site": "same-origin"}
    for token in (_stale_token(client, forgetful_app), "", "not-a-token"):
        response = client.post("/redrawn/4", headers=mine,
                               data={"csrf_token": token, "typed": "as typed"})
        assert (response.status_code, response.get_data(as_text=True)) == (422, "the form again")
    assert CALLS == ["drawn again: This form had expired, so nothing was saved. What you sent is "
                     "below: check it and send it again. (as typed, 4)"] * 3


def test_a_form_that_redraws_itself_still_saves_with_a_good_token(forgetful_app: Flask) -> None:
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    token = re.search(r'value="([^"]+)"',
                      client.get("/forgotten/form", headers=mine).get_data(as_text=True))
    assert token is not None
    response = client.post("/redrawn/4", headers=mine, data={"csrf_token": token.group(1)})
    assert response.status_code == 200 and CALLS == ["redrawn"]


def test_another_sites_post_to_a_form_that_redraws_itself_meets_the_plain_refusal(
        forgetful_app: Flask) -> None:
    """Another site's post is not drawn again as a form ready to send: the refusal it gets
    says the form expired, and carries no fresh token."""
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER)}
    for site in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = client.post("/redrawn/4", headers={**mine, **site},
                               data={"csrf_token": _stale_token(client, forgetful_app)})
        assert response.status_code == 403 and "This form has expired" in response.get_data(
            as_text=True)
    assert CALLS == []


def test_a_form_that_redraws_itself_is_drawn_for_no_one_without_a_session(
        forgetful_app: Flask) -> None:
    response = forgetful_app.test_client().post("/redrawn/4", data={"csrf_token": "x"})
    assert response.status_code == 401 and CALLS == []


def test_a_form_drawn_again_says_why_in_spanish(forgetful_app: Flask) -> None:
    client = forgetful_app.test_client()
    mine = {SESSION_HEADER: session_token(forgetful_app, Role.TEACHER), "Accept-Language": "es"}
    client.post("/redrawn/4", headers=mine, data={"csrf_token": _stale_token(client, forgetful_app)})
    assert CALLS == ["drawn again: Este formulario había vencido, así que no se guardó nada. Lo "
                     "que enviaste está abajo: revísalo y vuelve a enviarlo. (None, 4)"]
