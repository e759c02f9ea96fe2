"""Valid launch variants (1EdTech certification §6.2 Instructor and §6.3 Learner) all launch."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import Enrollment, User
from tests.lti_tool.lti.conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER, LIS, REMOVE, TOOL, Flow

VARIANTS = {
    "basic": {},
    "multiple roles": {"lti_roles": "multiple"},
    "short role name": {"lti_roles": "short"},
    "unknown role": {"lti_roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Unknown"]},
    "empty roles": {"lti_roles": []},
    "email only": {"name": REMOVE, "given_name": REMOVE, "family_name": REMOVE},
    "names only": {"email": REMOVE},
    "no personal data": {"name": REMOVE, "given_name": REMOVE, "family_name": REMOVE, "email": REMOVE},
    "email without context": {"name": REMOVE, "given_name": REMOVE, "family_name": REMOVE,
                              "lti_context": REMOVE},
}

ROLE = {"Instructor": ("teacher", "Teacher view"), "Learner": ("student", "Student view")}


def _overrides(variant: str, role: str) -> dict[str, object]:
    overrides = dict(VARIANTS[variant])
    if overrides.get("lti_roles") == "multiple":
        overrides["lti_roles"] = [LIS + role, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Staff"]
    elif overrides.get("lti_roles") == "short":
        overrides["lti_roles"] = [role]
    return overrides


@pytest.mark.parametrize("role", ["Instructor", "Learner"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_valid_variant_launches(variant: str, role: str, flow: Flow, db: Session) -> None:
    response = flow.launch(role=role, **_overrides(variant, role))
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    user = db.scalar(select(User).where(User.sub == "user-123"))
    assert user is not None
    if variant in ("unknown role", "empty roles"):
        assert "does not give you anything to do" in page
        return
    worklink_role, badge = ROLE[role]
    if variant == "email without context":
        # Neither page invents a course: the teacher's says there is none, the student's names none.
        assert badge in page and "Health Science Pathway" not in page
        assert ("did not come from a course" if role == "Instructor" else "No course") in page
        assert db.scalar(select(Enrollment)) is None
        return
    assert badge in page
    assert "Health Science Pathway" in page
    enrollment = db.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment is not None and enrollment.role == worklink_role
    if variant == "no personal data":
        assert user.name is None and user.email is None
        assert '<span class="who">Anonymous user</span>' in page


def test_launch_shows_the_persons_name_and_updates_it_next_time(flow: Flow, db: Session) -> None:
    assert "Ada Rivera" in flow.launch().get_data(as_text=True)
    flow.launch(name="Ada R. Rivera")
    user = db.scalar(select(User).where(User.sub == "user-123"))
    assert user is not None and user.name == "Ada R. Rivera"
    assert len(list(db.scalars(select(User)))) == 1


def test_a_login_posted_as_a_form_launches_like_a_get(flow: Flow, db: Session) -> None:
    """The OIDC spec lets a platform POST the third-party login; the redirect must carry the
    platform's hints exactly, quoted, with a state the launch then accepts."""
    hint = "resource:7/user 12&x=é"
    response = flow.client.post("/lti/login", data={
        "iss": ISSUER, "login_hint": "user 1+2", "target_link_uri": TOOL + "/lti/launch",
        "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID, "lti_message_hint": hint})
    assert response.status_code == 302
    redirect = urlparse(response.headers["Location"])
    query = parse_qs(redirect.query)
    assert query["login_hint"] == ["user 1+2"] and query["lti_message_hint"] == [hint]
    assert query["redirect_uri"] == [TOOL + "/lti/launch"] and query["client_id"] == [CLIENT_ID]
    assert query["response_mode"] == ["form_post"] and query["prompt"] == ["none"]
    token = flow.platform.sign(flow.platform.claims(query["nonce"][0]))
    assert flow.post(token, query["state"][0]).status_code == 200
