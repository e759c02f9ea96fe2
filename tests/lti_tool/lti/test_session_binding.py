"""After a launch the browser is bound to that launch: user, course and role, checked on every page."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool import sessions
from lti_tool.config import Config
from lti_tool.models import BrowserSession, Course
from lti_tool.security import SESSION_HEADER
from tests.lti_tool.lti.conftest import Flow, Platform


def _course_id(db: Session, context_id: str = "course-7") -> int:
    course = db.scalar(select(Course).where(Course.context_id == context_id))
    assert course is not None
    return course.id


def test_launch_sets_a_partitioned_cross_site_cookie(flow: Flow) -> None:
    response = flow.launch()
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("wl_session="))
    assert "Secure" in session_cookie and "SameSite=None" in session_cookie
    assert "Partitioned" in session_cookie and "HttpOnly" in session_cookie


def test_teacher_can_reopen_their_course_page(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    response = flow.client.get(f"/teacher/course/{_course_id(db)}")
    assert response.status_code == 200
    assert b"Health Science Pathway" in response.data


def _page_token(page: str) -> str:
    token = re.search(r'name="worklink-session" content="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def test_session_works_without_cookies_through_the_page_header(flow: Flow, db: Session) -> None:
    token = _page_token(flow.launch(role="Instructor").get_data(as_text=True))
    flow.client._cookies.clear()  # a browser that kept nothing
    assert flow.client.get(f"/teacher/course/{_course_id(db)}").status_code == 401
    response = flow.client.get(f"/teacher/course/{_course_id(db)}", headers={SESSION_HEADER: token})
    assert response.status_code == 200


def test_no_url_on_a_page_carries_the_session(flow: Flow, db: Session) -> None:
    page = flow.launch(role="Instructor").get_data(as_text=True)
    token = _page_token(page)
    addresses = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert addresses and not [a for a in addresses if token in a or "_wl" in a]


def test_a_copied_url_grants_nothing(flow: Flow, db: Session, app: Flask) -> None:
    """A teacher pastes a page's address, session token and all, into the class chat."""
    token = _page_token(flow.launch(role="Instructor").get_data(as_text=True))
    url = f"/teacher/course/{_course_id(db)}"
    student = app.test_client()  # another browser: no cookie, no page
    assert student.get(url, query_string={"_wl": token}).status_code == 401
    assert student.get(url, query_string={"wl_session": token}).status_code == 401
    # Posting the token in a query string is not a form body either.
    assert student.post(url + "/tasks/new", query_string={"wl_session": token}).status_code == 401


def test_logout_ends_the_session_wherever_its_token_went(flow: Flow, db: Session, app: Flask) -> None:
    page = flow.launch(role="Instructor").get_data(as_text=True)
    token = _page_token(page)
    form = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert form is not None and "Sign out" in page
    assert flow.client.post("/session/logout", data={"csrf_token": form.group(1)}).status_code == 200
    copy = app.test_client()
    assert copy.get(f"/teacher/course/{_course_id(db)}", headers={SESSION_HEADER: token}).status_code == 401


@pytest.mark.parametrize("revoke", ["user", "deployment"])
def test_an_operator_revocation_ends_the_session(flow: Flow, db: Session, revoke: str) -> None:
    flow.launch(role="Instructor")
    url = f"/teacher/course/{_course_id(db)}"
    assert flow.client.get(url).status_code == 200
    row = db.scalars(select(BrowserSession)).one()
    if revoke == "user":
        assert row.user_id is not None and sessions.end_for_user(db.connection(), row.user_id) == 1
    else:
        assert row.deployment_id is not None
        assert sessions.end_for_deployment(db.connection(), row.deployment_id) == 1
    db.commit()
    assert flow.client.get(url).status_code == 401


def test_an_idle_session_ends(flow: Flow, db: Session, config: Config) -> None:
    flow.launch(role="Instructor")
    url = f"/teacher/course/{_course_id(db)}"
    row = db.scalars(select(BrowserSession)).one()
    row.last_seen_at -= config.session_idle_seconds - 120
    db.commit()
    assert flow.client.get(url).status_code == 200  # still live: and the visit counts as use
    db.refresh(row)
    assert row.last_seen_at >= time.time() - 60
    row.last_seen_at -= config.session_idle_seconds
    db.commit()
    assert flow.client.get(url).status_code == 401


def test_a_busy_session_still_ends_at_its_absolute_limit(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    row = db.scalars(select(BrowserSession)).one()
    row.expires_at = int(time.time()) - 1
    db.commit()
    assert flow.client.get(f"/teacher/course/{_course_id(db)}").status_code == 401


def test_authenticated_pages_are_not_stored_by_caches(flow: Flow, db: Session) -> None:
    assert flow.launch(role="Instructor").headers["Cache-Control"] == "no-store"
    assert flow.client.get(f"/teacher/course/{_course_id(db)}").headers["Cache-Control"] == "no-store"


def test_student_cannot_open_the_teacher_page(flow: Flow, db: Session) -> None:
    flow.launch(role="Learner")
    assert flow.client.get(f"/teacher/course/{_course_id(db)}").status_code == 403
    assert flow.client.get(f"/student/course/{_course_id(db)}").status_code == 200


def test_a_session_is_bound_to_its_own_course(flow: Flow, platform: Platform, db: Session) -> None:
    flow.launch(role="Instructor", lti_context={"id": "other-course", "title": "Other"})
    other = _course_id(db, "other-course")
    flow.launch(role="Instructor")
    # Now bound to course-7: the other course's page is refused even for a teacher.
    assert flow.client.get(f"/teacher/course/{other}").status_code == 403


def test_a_forged_session_token_is_refused(flow: Flow, db: Session) -> None:
    flow.launch(role="Learner")
    course_id = _course_id(db)
    flow.client._cookies.clear()
    response = flow.client.get(f"/teacher/course/{course_id}", headers={SESSION_HEADER: "forged.token"})
    assert response.status_code == 401


def test_pages_without_a_launch_ask_to_open_from_the_course(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/teacher/course/1")
    assert response.status_code == 401
    assert b"open Worklink from your course" in response.data


def test_security_headers_are_set(flow: Flow) -> None:
    response = flow.launch()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    policy = response.headers["Content-Security-Policy"]
    assert "script-src" not in policy or "'unsafe-inline'" not in policy


def test_login_redirect_carries_the_oidc_parameters(flow: Flow) -> None:
    response = flow.client.get("/lti/login", query_string={
        "iss": "https://platform.test", "login_hint": "u1", "lti_message_hint": "m1",
        "target_link_uri": "https://worklink.test/lti/launch", "client_id": "worklink-client"})
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query["scope"] == ["openid"] and query["response_type"] == ["id_token"]
    assert query["response_mode"] == ["form_post"] and query["prompt"] == ["none"]
    assert query["redirect_uri"] == ["https://worklink.test/lti/launch"]
    assert query["login_hint"] == ["u1"] and query["lti_message_hint"] == ["m1"]
    assert len(query["state"][0]) > 30 and len(query["nonce"][0]) > 30


def test_a_new_window_gets_a_session_of_its_own_from_the_body(flow: Flow, db: Session, app: Flask) -> None:
    token = _page_token(flow.launch(role="Instructor").get_data(as_text=True))
    window = app.test_client()  # a first-party window: none of the frame's cookies
    target = f"/teacher/course/{_course_id(db)}"
    refused = window.post("/session/window", data={"wl_session": token, "next": target},
                          headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert window.post("/session/window", data={"wl_session": "forged", "next": target}).status_code == 401
    assert window.post("/session/window", data={"wl_session": token,
                                                "next": "//evil.test/"}).status_code == 400
    opened = window.post("/session/window", data={"wl_session": token, "next": target},
                         headers={"Sec-Fetch-Site": "same-origin"})
    assert opened.status_code == 303 and opened.headers["Location"] == target
    cookie = window.get_cookie("wl_session")
    assert cookie is not None and cookie.value != token  # its own session, not a copy
    assert window.get(target).status_code == 200
