"""After a launch the browser is bound to that launch: user, course and role, checked on every page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import Course
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


def test_session_works_without_cookies_through_the_token(flow: Flow, db: Session) -> None:
    page = flow.launch(role="Instructor").get_data(as_text=True)
    token = re.search(r'name="worklink-session" content="([^"]+)"', page)
    assert token is not None
    flow.client.delete_cookie("wl_session", domain="localhost")
    flow.client._cookies.clear()  # a browser that kept nothing
    assert flow.client.get(f"/teacher/course/{_course_id(db)}").status_code == 401
    response = flow.client.get(f"/teacher/course/{_course_id(db)}", query_string={"_wl": token.group(1)})
    assert response.status_code == 200


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
    response = flow.client.get(f"/teacher/course/{course_id}", query_string={"_wl": "forged.token"})
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
