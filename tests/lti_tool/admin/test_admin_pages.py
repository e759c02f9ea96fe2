"""The operator's pages: who gets in, and approving or disabling a pending deployment."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners import links
from lti_tool.admin.signin import issue_link
from lti_tool.config import Config
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Deployment, DeploymentStatus, Registration
from lti_tool.security import SESSION_HEADER, Role
from lti_tool.signing import for_config
from tests.competencies.partners.factories import school
from tests.lti_tool.session_factories import session_token


@pytest.fixture(autouse=True)
def no_registrations(db: Session) -> None:
    # SQLite keeps what an earlier test committed inside its savepoint.
    db.execute(delete(Registration))


@pytest.fixture
def pending(db: Session) -> Deployment:
    registration = add_registration(
        db, name="Canvas: Riverside", issuer="https://canvas.instructure.com", client_id="1000",
        auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        auth_token_url="https://sso.canvaslms.com/login/oauth2/token",
        key_set_url="https://sso.canvaslms.com/api/lti/security/jwks", product="canvas",
        deployment_ids=["12:abc"],
    )
    deployment = registration.deployments[0]
    deployment.status = DeploymentStatus.PENDING
    db.commit()
    return deployment


def _token_for(app: Flask, role: Role) -> str:
    return session_token(app, role)


def _sign_in(client: FlaskClient, db: Session, config: Config) -> None:
    """Follow the operator's link; the browser keeps the session's cookie."""
    link = issue_link(db, for_config(config), config.base_url)
    token = urlsplit(link).fragment
    confirm = client.get(urlsplit(link).path)  # what the browser sends: no fragment
    assert confirm.status_code == 200 and b"Sign in" in confirm.data
    response = client.post("/admin/signin", data={"token": token})
    assert response.status_code == 303
    assert "?" not in response.headers["Location"]  # nothing secret in the address


@pytest.mark.parametrize("path", ["/admin/", "/admin/deployments/pending", "/admin/urls"])
def test_anonymous_visitors_are_asked_to_sign_in(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("role", [Role.TEACHER, Role.STUDENT, Role.TEACHING_ASSISTANT])
def test_course_roles_are_not_operators(app: Flask, client: FlaskClient, role: Role) -> None:
    headers = {SESSION_HEADER: _token_for(app, role)}
    assert client.get("/admin/", headers=headers).status_code == 403


def test_a_teacher_cannot_approve_a_deployment(
    app: Flask, client: FlaskClient, db: Session, pending: Deployment
) -> None:
    headers = {SESSION_HEADER: _token_for(app, Role.TEACHER)}
    response = client.post(f"/admin/deployments/{pending.id}/approve", headers=headers)
    assert response.status_code == 403
    db.refresh(pending)
    assert pending.status is DeploymentStatus.PENDING


def test_an_lti_administrator_is_not_an_operator(
    app: Flask, client: FlaskClient, db: Session, pending: Deployment
) -> None:
    """Anyone can register a platform by Dynamic Registration and launch as its Administrator,
    so that role must not reach every tenant's registrations and approvals."""
    headers = {SESSION_HEADER: _token_for(app, Role.ADMIN)}
    assert client.get("/admin/", headers=headers).status_code == 403
    assert client.post(f"/admin/deployments/{pending.id}/approve", headers=headers).status_code == 403
    db.refresh(pending)
    assert pending.status is DeploymentStatus.PENDING


def test_the_operator_reaches_the_pages(
    app: Flask, client: FlaskClient, pending: Deployment
) -> None:
    headers = {SESSION_HEADER: _token_for(app, Role.OPERATOR)}
    page = client.get("/admin/", headers=headers)
    assert page.status_code == 200
    assert b"Canvas: Riverside" in page.data and b"12:abc" in page.data


def test_the_signin_link_works_once(client: FlaskClient, db: Session, config: Config) -> None:
    link = issue_link(db, for_config(config), config.base_url)
    token = urlsplit(link).fragment
    assert client.post("/admin/signin", data={"token": token}).status_code == 303
    second = client.post("/admin/signin", data={"token": token})
    assert second.status_code == 403 and b"has been used" in second.data


def test_the_signin_link_keeps_its_code_out_of_what_the_browser_sends(
        db: Session, config: Config) -> None:
    """A copied admin link in a proxy's access log or a Referer header would be a way in."""
    link = urlsplit(issue_link(db, for_config(config), config.base_url))
    assert link.query == "" and link.path == "/admin/signin" and len(link.fragment) > 20


def test_a_forged_signin_token_is_refused(client: FlaskClient) -> None:
    assert client.post("/admin/signin", data={"token": "forged.token.value"}).status_code == 403


def test_approve_from_the_pending_page(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    page = client.get("/admin/deployments/pending")
    assert page.status_code == 200 and b"12:abc" in page.data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data)
    assert csrf is not None
    response = client.post(f"/admin/deployments/{pending.id}/approve",
                           data={"csrf_token": csrf.group(1).decode()})
    assert response.status_code == 303
    db.refresh(pending)
    assert pending.status is DeploymentStatus.ACTIVE and pending.approved_at is not None
    assert b"Nothing is waiting" in client.get("/admin/deployments/pending").data


def test_disable_from_the_pending_page(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    page = client.get("/admin/deployments/pending")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data)
    assert csrf is not None
    client.post(f"/admin/deployments/{pending.id}/disable",
                data={"csrf_token": csrf.group(1).decode()})
    db.refresh(pending)
    assert pending.status is DeploymentStatus.DISABLED


def test_a_post_without_the_form_token_is_refused(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    """Another site makes the operator's browser post the approve form."""
    _sign_in(client, db, config)
    response = client.post(f"/admin/deployments/{pending.id}/approve",
                           data={"csrf_token": "0" * 64})
    assert response.status_code == 403
    db.refresh(pending)
    assert pending.status is DeploymentStatus.PENDING


def test_the_urls_page_lists_what_to_paste(
    client: FlaskClient, db: Session, config: Config
) -> None:
    _sign_in(client, db, config)
    page = client.get("/admin/urls").get_data(as_text=True)
    for url in ("https://worklink.test/lti/register", "https://worklink.test/lti/canvas.json",
                "https://worklink.test/lti/login", "https://worklink.test/lti/launch",
                "https://worklink.test/lti/jwks.json"):
        assert url in page


def _csrf(page: bytes) -> str:
    found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1).decode()


def test_every_admin_page_counts_the_deployments_waiting(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    for path in ("/admin/", "/admin/urls", "/admin/deployments/pending"):
        assert b"(1 waiting)" in client.get(path).data
    pending.status = DeploymentStatus.ACTIVE
    db.commit()
    assert b"waiting)" not in client.get("/admin/").data


def test_the_operator_turns_a_registration_off_and_on(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    registration = pending.registration
    page = client.get("/admin/")
    response = client.post(f"/admin/registrations/{registration.id}/disable",
                           data={"csrf_token": _csrf(page.data)})
    assert response.status_code == 303
    db.refresh(registration)
    assert registration.disabled_at is not None
    page = client.get("/admin/")
    assert b"launches are refused" in page.data
    client.post(f"/admin/registrations/{registration.id}/enable",
                data={"csrf_token": _csrf(page.data)})
    db.refresh(registration)
    assert registration.disabled_at is None


def test_turning_off_needs_the_form_token(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    response = client.post(f"/admin/registrations/{pending.registration_id}/disable")
    assert response.status_code in (400, 403)
    db.refresh(pending.registration)
    assert pending.registration.disabled_at is None


def test_an_unused_registration_is_removed_with_its_deployments(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    _sign_in(client, db, config)
    registration_id, deployment_pk = pending.registration_id, pending.id
    page = client.get("/admin/")
    response = client.post(f"/admin/registrations/{registration_id}/remove",
                           data={"csrf_token": _csrf(page.data)})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Registration, registration_id) is None
    assert db.get(Deployment, deployment_pk) is None


def test_a_registration_in_use_is_not_removed(
    client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    """Removing it would cascade into the courses and people that launched from it."""
    from lti_tool.models import Course, User
    registration = pending.registration
    db.add(User(registration_id=registration.id, sub="teacher-1"))
    db.add(Course(deployment_id=pending.id, context_id="course-1"))
    db.commit()
    _sign_in(client, db, config)
    page = client.get("/admin/")
    response = client.post(f"/admin/registrations/{registration.id}/remove",
                           data={"csrf_token": _csrf(page.data)})
    assert response.status_code == 409
    assert b"1 courses" in response.data and b"1 people" in response.data
    db.expire_all()
    assert db.get(Registration, registration.id) is not None


def test_the_operator_reads_every_tenants_audit_and_a_teacher_cannot(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    first, second = school(db), school(db)
    links.issue(db, first.place(db), Actor("teacher", "Lucia Rivera", address="198.51.100.7"))
    links.issue(db, second.place(db), Actor("teacher", "Omar Diaz"))
    db.commit()
    operator = {SESSION_HEADER: _token_for(app, Role.OPERATOR)}
    page = client.get("/admin/audit", headers=operator).get_data(as_text=True)
    assert "Lucia Rivera" in page and "Omar Diaz" in page and "198.51.100.7" in page
    one = client.get("/admin/audit", headers=operator,
                     query_string={"registration": first.context.registration_id})
    assert "Lucia Rivera" in one.get_data(as_text=True)
    assert "Omar Diaz" not in one.get_data(as_text=True)
    teacher = {SESSION_HEADER: _token_for(app, Role.TEACHER)}
    assert client.get("/admin/audit", headers=teacher).status_code == 403
def test_the_operator_signs_a_deployment_out_from_the_sessions_page(
    app: Flask, client: FlaskClient, db: Session, config: Config, pending: Deployment
) -> None:
    teacher = {SESSION_HEADER: session_token(app, Role.TEACHER, deployment_id=pending.id)}
    assert app.test_client().get("/admin/", headers=teacher).status_code == 403  # live, not operator
    _sign_in(client, db, config)
    page = client.get("/admin/sessions")
    assert page.status_code == 200 and b"12:abc" in page.data
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data)
    assert csrf is not None
    response = client.post(f"/admin/sessions/deployment/{pending.id}/end",
                           data={"csrf_token": csrf.group(1).decode()})
    assert response.status_code == 303
    assert b"Ended 1 session." in client.get(response.headers["Location"]).data
    assert app.test_client().get("/admin/", headers=teacher).status_code == 401
