"""IMS roles, in every spelling platforms send, mapped onto Worklink's roles.

Launches carry full URIs (``http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor``);
Moodle's roster service and older platforms send short names (``Instructor``); sub-roles add a
fragment (``membership/Instructor#TeachingAssistant``). The certification also sends an unknown
role and an empty list, and both must launch.
"""

from __future__ import annotations

from collections.abc import Iterable

from lti_tool.security import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

# The significant part of a role (after the vocabulary prefix), to Worklink's role.
_MEMBERSHIP = {
    "Administrator": Role.ADMIN,
    "Instructor": Role.TEACHER,
    "ContentDeveloper": Role.TEACHER,
    "Instructor#TeachingAssistant": Role.TEACHING_ASSISTANT,
    "TeachingAssistant": Role.TEACHING_ASSISTANT,
    "Learner": Role.STUDENT,
    "Student": Role.STUDENT,
}
_INSTITUTION_OR_SYSTEM = {
    "Administrator": Role.ADMIN,
    "SysAdmin": Role.ADMIN,
}
# When a launch carries several roles, the one with the most access wins.
_PRECEDENCE = [Role.ADMIN, Role.TEACHER, Role.TEACHING_ASSISTANT, Role.STUDENT]


def parse_role(value: str) -> Role | None:
    """One IMS role in any spelling, or ``None`` for a role Worklink does not use."""
    value = value.strip()
    if value.startswith(LIS):
        vocabulary, _, name = value[len(LIS):].partition("#")
        if vocabulary == "membership":
            return _MEMBERSHIP.get(name)
        if vocabulary.startswith("membership/"):
            # Sub-role: membership/Instructor#TeachingAssistant
            return _MEMBERSHIP.get(f"{vocabulary.split('/', 1)[1]}#{name}") or _MEMBERSHIP.get(
                vocabulary.split("/", 1)[1])
        if vocabulary in ("institution/person", "system/person"):
            return _INSTITUTION_OR_SYSTEM.get(name)
        return None
    if value.startswith("urn:lti:"):
        # LTI 1.1 URNs, still sent by some platforms in 1.3 launches.
        kind, _, name = value[len("urn:lti:"):].partition(":")
        name = name.rsplit("/", 1)[-1]
        if kind == "role":
            return _MEMBERSHIP.get(name)
        return _INSTITUTION_OR_SYSTEM.get(name)
    return _MEMBERSHIP.get(value) or _INSTITUTION_OR_SYSTEM.get(value)


def worklink_role(roles: Iterable[str]) -> Role:
    found = {role for role in (parse_role(r) for r in roles) if role is not None}
    for role in _PRECEDENCE:
        if role in found:
            return role
    return Role.GUEST
