"""The class roster from the platform's Names and Role Provisioning Service (NRPS 2.0).

Every page is followed through the ``Link`` header. pylti1p3 2.0 lower-cases the whole header
before it looks for ``rel="next"`` (its PR #139), which breaks any next URL with an upper-case
letter (Canvas page tokens, Moodle's ``?type_id=``). So the GET is ours: the connector supplies
the access token (shared across workers, see :mod:`lti_tool.lti.service_connector`) and its HTTP
session (with the User-Agent Canvas requires); ``requests`` parses the Link header, several rels
and all, without touching the URL.

A course's roster is fetched by a background job (:mod:`lti_tool.jobs.roster_refresh`) and kept
in the ephemeral store with the time it was fetched: the teacher's page reads that and never
waits on the LMS, whose member list may run to many slow pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from pylti1p3.exception import LtiServiceException
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lti_tool.lti.roles import LIS, worklink_role
from lti_tool.lti.service_connector import SharedTokenServiceConnector
from lti_tool.lti.store import EphemeralStore
from lti_tool.lti.tool_conf import DatabaseToolConf
from lti_tool.models import Course, Deployment, Enrollment, Registration, User
from lti_tool.outbound.client import OutboundClient, OutboundRefused
from lti_tool.security import Role

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
CACHE_SECONDS = 12 * 3600
"""How long a fetched roster is kept for the teacher's page."""
STALE_SECONDS = 300
"""A roster older than this is shown, and refreshed in the background."""
PROBLEM_SECONDS = 300
MAX_PAGES = 1000
"""A platform whose next links never end (or loop) stops here rather than hanging the page."""


class RosterUnavailable(Exception):
    """The roster could not be read; the message says why in words a teacher can pass on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MemberStatus(enum.StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    """Still in the course but suspended (Canvas: concluded or inactive enrollment)."""
    DELETED = "Deleted"


@dataclasses.dataclass(frozen=True)
class Member:
    user_id: str
    """The platform's user id: the same value as the ``sub`` of this person's launches."""
    name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None
    roles: tuple[str, ...]
    """Roles as the platform sent them, full URIs or short names (Moodle sends ``Learner``)."""
    role: Role
    status: MemberStatus

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or full or self.email or self.user_id

    @property
    def short_roles(self) -> tuple[str, ...]:
        return tuple(short_role(r) for r in self.roles)

    @classmethod
    def from_nrps(cls, raw: dict[str, Any]) -> Member | None:
        user_id = raw.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            return None  # a member the tool cannot tell apart from anyone else
        roles = tuple(r for r in (raw.get("roles") or ()) if isinstance(r, str))
        try:
            status = MemberStatus(raw.get("status") or MemberStatus.ACTIVE)
        except ValueError:
            status = MemberStatus.ACTIVE
        return cls(user_id, _text(raw.get("name")), _text(raw.get("given_name")),
                   _text(raw.get("family_name")), _text(raw.get("email")), roles,
                   worklink_role(roles), status)


@dataclasses.dataclass(frozen=True)
class RosterEntry:
    """A member as the teacher's page shows them: with whether they have opened Worklink."""

    member: Member
    launched: bool
    """Enrolled in Worklink's course: this person has launched Worklink from the course."""


def short_role(role: str) -> str:
    """``http://purl.imsglobal.org/vocab/lis/v2/membership#Learner`` → ``Learner``."""
    if role.startswith(LIS):
        vocabulary, _, name = role[len(LIS):].partition("#")
        if vocabulary.startswith("membership/"):
            return name or vocabulary.split("/", 1)[1]  # sub-role: membership/Instructor#TA
        return name or vocabulary
    return role.rsplit("/", 1)[-1] if role.startswith("urn:lti:") else role


def has_role(member: Member, wanted: str) -> bool:
    """``wanted`` as a short name (``Learner``) or a full URI matches either spelling."""
    target = short_role(wanted)
    return any(short_role(r) == target for r in member.roles)


def fetch_roster(connector: SharedTokenServiceConnector, memberships_url: str, *,
                 role: str | None = None, limit: int | None = None,
                 timeout: float = 10.0) -> list[Member]:
    """Every member, across every page; ``role`` filters (the platform may ignore it, so do we)."""
    first = _with_query(memberships_url, role=role, limit=limit)
    members = [m for page in _pages(connector, first, timeout) for m in page]
    return [m for m in members if has_role(m, role)] if role else members


def _pages(connector: SharedTokenServiceConnector, url: str,
           timeout: float) -> Iterator[list[Member]]:
    origin = urlsplit(url)[:2]
    token = _token(connector)  # one store lookup for the whole roster, however many pages
    seen: set[str] = set()
    next_url: str | None = url
    while next_url is not None:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise RosterUnavailable("The course platform's member list kept pointing to more pages "
                                    f"after {len(seen)}; the list was not used.")
        if urlsplit(next_url)[:2] != origin:
            # The bearer token goes only where the launch said the service lives.
            raise RosterUnavailable("The course platform's member list pointed to another site "
                                    f"({urlsplit(next_url).netloc}); Worklink did not follow it.")
        seen.add(next_url)
        response = _get(connector, token, next_url, timeout)
        yield _members(response)
        link = response.links.get("next", {}).get("url")
        next_url = urljoin(next_url, link) if link else None  # RFC 8288 allows a relative link


def _token(connector: SharedTokenServiceConnector) -> str:
    try:
        return connector.get_access_token([NRPS_SCOPE])
    except requests.RequestException as exc:
        raise RosterUnavailable(f"The course platform did not answer ({type(exc).__name__}).") from exc
    except (LtiServiceException, ValueError, KeyError) as exc:  # a refused or garbled token answer
        raise RosterUnavailable("The course platform refused Worklink an access token for the "
                                f"member list: {exc}") from exc


def _get(connector: SharedTokenServiceConnector, token: str, url: str,
         timeout: float) -> requests.Response:
    try:
        response = connector._requests_session.get(url, timeout=timeout, headers={
            "Authorization": "Bearer " + token, "Accept": MEMBERSHIP_CONTAINER})
    except OutboundRefused as exc:
        raise RosterUnavailable(f"Worklink does not fetch the member list from there: {exc}.") from exc
    except requests.RequestException as exc:
        raise RosterUnavailable(f"The course platform did not answer ({type(exc).__name__}).") from exc
    if response.status_code in (401, 403):
        raise RosterUnavailable(f"The course platform refused the member list ({response.status_code}); "
                                "the Names and Roles service may be turned off for Worklink.")
    if not response.ok:
        raise RosterUnavailable(f"The course platform answered {response.status_code} for the member list.")
    return response


def _members(response: requests.Response) -> list[Member]:
    try:
        body = response.json()
    except ValueError as exc:
        raise RosterUnavailable("The course platform's member list is not JSON.") from exc
    raw = body.get("members") if isinstance(body, dict) else None
    if not isinstance(raw, list):
        raise RosterUnavailable("The course platform's answer has no member list.")
    return [m for m in (Member.from_nrps(r) for r in raw if isinstance(r, dict)) if m is not None]


# --- the per-course cache ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CachedRoster:
    members: list[Member]
    fetched_at: float
    """When the platform was asked (Unix time)."""

    @property
    def fetched_at_utc(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.fetched_at, dt.UTC)

    def is_stale(self, now: float | None = None) -> bool:
        return (now or time.time()) - self.fetched_at > STALE_SECONDS


def cached_roster(store: EphemeralStore, course_id: int) -> CachedRoster | None:
    cached = store.get(f"roster:{course_id}")
    if cached is None or "fetched_at" not in cached:
        return None
    return CachedRoster([_member_from_cache(m) for m in cached["members"]],
                        float(cached["fetched_at"]))


def keep_roster(store: EphemeralStore, course_id: int, members: Sequence[Member], *,
                fetched_at: float | None = None, ttl: int = CACHE_SECONDS) -> None:
    store.put(f"roster:{course_id}", {
        "members": [_member_to_cache(m) for m in members],
        "fetched_at": fetched_at or time.time(),
    }, ttl)
    store.take(f"roster-problem:{course_id}")


def roster_problem(store: EphemeralStore, course_id: int) -> str | None:
    """Why the last refresh failed, for a few minutes after it did."""
    found = store.get(f"roster-problem:{course_id}")
    return str(found["message"]) if found else None


def keep_problem(store: EphemeralStore, course_id: int, message: str) -> None:
    store.put(f"roster-problem:{course_id}", {"message": message}, PROBLEM_SECONDS)


def _member_to_cache(member: Member) -> list[Any]:
    m = member
    return [m.user_id, m.name, m.given_name, m.family_name, m.email, list(m.roles), m.status.value]


def _member_from_cache(row: list[Any]) -> Member:
    user_id, name, given, family, email, roles, status = row
    return Member(user_id, name, given, family, email, tuple(roles), worklink_role(roles),
                  MemberStatus(status))


# --- one course, as the teacher's page needs it ---------------------------------------------

@dataclasses.dataclass(frozen=True)
class CourseService:
    """Where a course's roster lives, and whose registration may read it."""

    course_id: int
    memberships_url: str | None
    issuer: str
    client_id: str


NO_SERVICE = ("The course platform did not offer its member list to Worklink (no Names and Role "
              "Provisioning Service in the launch). An LMS administrator can turn it on in the "
              "tool's settings.")

_COURSE_SERVICE = (
    select(Course.id, Course.memberships_url, Registration.issuer, Registration.client_id)
    .join(Deployment, Deployment.id == Course.deployment_id)
    .join(Registration, Registration.id == Deployment.registration_id)
    .where(Course.id == bindparam("course_id"))
)


def course_service(conn: Connection, course_id: int) -> CourseService | None:
    row = conn.execute(_COURSE_SERVICE, {"course_id": course_id}).first()
    return None if row is None else CourseService(*row)


def service_connector(session: Session, store: EphemeralStore, client: OutboundClient,
                      service: CourseService, *,
                      timeout: float = 10.0) -> SharedTokenServiceConnector:
    """The connector for the course's registration (read now; no database needed after)."""
    try:
        registration = DatabaseToolConf(session).find_registration_by_params(
            service.issuer, service.client_id)
    except LookupError as exc:
        raise RosterUnavailable(str(exc)) from exc
    return SharedTokenServiceConnector(registration, store, client, timeout=timeout)


def fetch_class_roster(connector: SharedTokenServiceConnector, service: CourseService, *,
                       timeout: float = 10.0) -> list[Member]:
    """Every member of the course, from the platform (many pages, maybe slow: a job's work)."""
    if not service.memberships_url:
        raise RosterUnavailable(NO_SERVICE)
    return fetch_roster(connector, service.memberships_url, timeout=timeout)


# --- joined with who has used Worklink -----------------------------------------------------

_LAUNCHED = (
    select(User.sub).join(Enrollment, Enrollment.user_id == User.id)
    .where(Enrollment.course_id == bindparam("course_id"))
)


def with_worklink_status(conn: Connection, course_id: int,
                         members: Sequence[Member]) -> list[RosterEntry]:
    """Each member and whether they have launched Worklink here: one query for the whole class."""
    launched = set(conn.execute(_LAUNCHED, {"course_id": course_id}).scalars())
    return [RosterEntry(m, m.user_id in launched) for m in members]


def students_not_opened(conn: Connection, course_id: int,
                        members: Sequence[Member]) -> list[Member]:
    """The class list's students, active in the course, who have never launched Worklink here
    (by name): one query for the whole class."""
    launched = set(conn.execute(_LAUNCHED, {"course_id": course_id}).scalars())
    return sorted((m for m in members if m.role is Role.STUDENT
                   and m.status is MemberStatus.ACTIVE and m.user_id not in launched),
                  key=lambda m: m.display_name.casefold())


def _with_query(url: str, **params: Any) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, str(v)) for k, v in params.items() if v]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
