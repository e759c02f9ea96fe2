"""IMS roles in every spelling map to Worklink's roles."""

from __future__ import annotations

import pytest

from lti_tool.lti.roles import parse_role, worklink_role
from lti_tool.security import Role

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(("role", "expected"), [
    (M + "Instructor", Role.TEACHER),
    ("Instructor", Role.TEACHER),                       # Moodle's roster service: short names
    (M + "Learner", Role.STUDENT),
    ("Learner", Role.STUDENT),
    ("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
     Role.TEACHING_ASSISTANT),
    ("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator", Role.ADMIN),
    ("http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin", Role.ADMIN),
    ("urn:lti:role:ims/lis/Instructor", Role.TEACHER),  # LTI 1.1 URNs some platforms still send
    ("urn:lti:instrole:ims/lis/Administrator", Role.ADMIN),
    (M + "Mentor", None),
    ("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student", None),
    ("nonsense", None),
])
def test_parse_role(role: str, expected: Role | None) -> None:
    assert parse_role(role) is expected


def test_the_role_with_most_access_wins() -> None:
    assert worklink_role([M + "Learner", M + "Instructor"]) is Role.TEACHER
    assert worklink_role([M + "Learner", "TeachingAssistant"]) is Role.TEACHING_ASSISTANT


def test_no_or_unknown_roles_make_a_guest() -> None:
    assert worklink_role([]) is Role.GUEST
    assert worklink_role([M + "Unknown"]) is Role.GUEST
