"""The NRPS roster: every page through the Link header, both role spellings, a role filter, clear failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy.orm import Session

from lti_tool.lti.registrations import add_registration
from lti_tool.lti.roster import (
    MEMBERSHIP_CONTAINER,
    CourseService,
    MemberStatus,
    RosterUnavailable,
    cached_roster,
    fetch_class_roster,
    fetch_roster,
    keep_problem,
    keep_roster,
    roster_problem,
    service_connector,
)
from lti_tool.lti.service_connector import SharedTokenServiceConnector
from lti_tool.lti.services import lti_services
from lti_tool.lti.store import EphemeralStore
from lti_tool.lti.tool_conf import DatabaseToolConf
from lti_tool.security import Role
from tests.lti_tool.lti.nrps_platform import LIS, NrpsPlatform, install_tool_key, people

ISSUER = "https://nrps.platform.test"
CLIENT_ID = "roster-client"


@pytest.fixture
def lms() -> Iterator[NrpsPlatform]:
    server = NrpsPlatform(people(26), page_size=10)  # 28 members: three pages
    yield server
    server.close()


@pytest.fixture
def store(app: Flask) -> EphemeralStore:
    return lti_services(app).store


@pytest.fixture
def connector(db: Session, lms: NrpsPlatform, store: EphemeralStore,
              app: Flask) -> SharedTokenServiceConnector:
    add_registration(db, name="Roster LMS", issuer=ISSUER, client_id=CLIENT_ID,
                     auth_login_url=ISSUER + "/auth", auth_token_url=lms.token_url,
                     key_set={"keys": []}, deployment_ids=["d-1"])
    install_tool_key(db)
    registration = DatabaseToolConf(db).find_registration_by_params(ISSUER, CLIENT_ID)
    return SharedTokenServiceConnector(registration, store, lti_services(app).outbound, timeout=2)


def test_every_page_is_read_through_the_link_header(lms: NrpsPlatform,
                                                    connector: SharedTokenServiceConnector) -> None:
    members = fetch_roster(connector, lms.memberships_url)
    assert len(members) == 28 and len({m.user_id for m in members}) == 28
    assert lms.pages_served == 3
    # The next links kept their case (Cursor=Page2); a lower-cased one would have been a 404.
    assert [r["query"].get("Cursor") for r in lms.requests] == [None, "Page2", "Page3"]
    assert {r["accept"] for r in lms.requests} == {MEMBERSHIP_CONTAINER}
    assert all(r["user_agent"].startswith("Worklink") for r in lms.requests)


def test_pylti1p3_alone_loses_the_pages_after_the_first(lms: NrpsPlatform,
                                                         connector: SharedTokenServiceConnector) -> None:
    """Why the GET is ours: pylti1p3 2.0 lower-cases the next URL (its PR #139)."""
    service = NamesRolesProvisioningService(connector, {"context_memberships_url": lms.memberships_url})
    with pytest.raises(Exception, match="404"):
        service.get_members()


def test_one_access_token_serves_every_page_and_the_next_fetch(
        lms: NrpsPlatform, connector: SharedTokenServiceConnector) -> None:
    fetch_roster(connector, lms.memberships_url)
    fetch_roster(connector, lms.memberships_url)
    assert lms.token_requests == 1 and lms.pages_served == 6


def test_short_and_full_role_names_map_to_worklink_roles(
        lms: NrpsPlatform, connector: SharedTokenServiceConnector) -> None:
    members = {m.user_id: m for m in fetch_roster(connector, lms.memberships_url)}
    full, short, teacher = members["student-0"], members["student-1"], members["teacher-0"]
    assert full.roles == (LIS + "Learner",) and short.roles == ("Learner",)
    assert full.role is Role.STUDENT and short.role is Role.STUDENT and teacher.role is Role.TEACHER
    assert full.short_roles == short.short_roles == ("Learner",)
    assert teacher.display_name == "Teacher 0" and full.display_name == "Student 000"


def test_status_is_read_and_defaults_to_active(lms: NrpsPlatform,
                                               connector: SharedTokenServiceConnector) -> None:
    lms.members[0].pop("status")
    members = {m.user_id: m for m in fetch_roster(connector, lms.memberships_url)}
    assert members["student-9"].status is MemberStatus.INACTIVE
    assert members["teacher-0"].status is MemberStatus.ACTIVE
    assert sum(m.status is MemberStatus.INACTIVE for m in members.values()) == 2


@pytest.mark.parametrize("role", ["Learner", LIS + "Learner"])
@pytest.mark.parametrize("platform_filters", [True, False])
def test_role_filter_in_either_spelling_even_when_the_platform_ignores_it(
        role: str, platform_filters: bool, lms: NrpsPlatform,
        connector: SharedTokenServiceConnector) -> None:
    lms.honour_role = platform_filters
    members = fetch_roster(connector, lms.memberships_url, role=role)
    assert len(members) == 26 and all(m.role is Role.STUDENT for m in members)
    assert lms.requests[0]["query"]["role"] == role


def test_members_without_a_user_id_are_skipped(lms: NrpsPlatform,
                                               connector: SharedTokenServiceConnector) -> None:
    lms.members.append({"status": "Active", "name": "Ghost", "roles": ["Learner"]})
    assert len(fetch_roster(connector, lms.memberships_url)) == 28


@pytest.mark.parametrize("status, words", [(500, "answered 500"), (403, "refused the member list")])
def test_a_failing_platform_gives_a_clear_message(status: int, words: str, lms: NrpsPlatform,
                                                  connector: SharedTokenServiceConnector) -> None:
    lms.fail_status = status
    with pytest.raises(RosterUnavailable, match=words):
        fetch_roster(connector, lms.memberships_url)


def test_a_body_that_is_not_a_member_list_is_refused(lms: NrpsPlatform,
                                                     connector: SharedTokenServiceConnector) -> None:
    lms.body_override = b'{"members": "everyone"}'
    with pytest.raises(RosterUnavailable, match="no member list"):
        fetch_roster(connector, lms.memberships_url)


def test_a_next_link_to_another_site_is_not_followed(lms: NrpsPlatform,
                                                     connector: SharedTokenServiceConnector) -> None:
    """The access token must not travel to a host the launch did not name."""
    lms.next_override = "http://127.0.0.2:9/steal?Cursor=Page2"
    with pytest.raises(RosterUnavailable, match="another site"):
        fetch_roster(connector, lms.memberships_url)
    assert lms.pages_served == 1


def test_a_relative_next_link_is_read_against_the_page_it_came_with(
        lms: NrpsPlatform, connector: SharedTokenServiceConnector) -> None:
    lms.page_size = 20
    lms.next_override = "names_and_roles?Cursor=Page2"
    assert len(fetch_roster(connector, lms.memberships_url)) == 28
    assert lms.requests[-1]["path"].endswith("/names_and_roles?Cursor=Page2")


def test_a_next_link_that_loops_stops(lms: NrpsPlatform,
                                      connector: SharedTokenServiceConnector) -> None:
    lms.next_override = lms.memberships_url + "?Cursor=Page1"
    with pytest.raises(RosterUnavailable, match="kept pointing to more pages"):
        fetch_roster(connector, lms.memberships_url)


def test_an_unreachable_platform_gives_a_clear_message(lms: NrpsPlatform,
                                                       connector: SharedTokenServiceConnector) -> None:
    fetch_roster(connector, lms.memberships_url)  # token cached; now the service goes away
    lms.close()
    with pytest.raises(RosterUnavailable, match="did not answer"):
        fetch_roster(connector, lms.memberships_url)


def test_the_roster_is_kept_per_course_with_when_it_was_fetched(
        lms: NrpsPlatform, connector: SharedTokenServiceConnector, store: EphemeralStore) -> None:
    members = fetch_roster(connector, lms.memberships_url)
    keep_roster(store, 9001, members, fetched_at=1_700_000_000)
    kept = cached_roster(store, 9001)
    assert kept is not None and kept.members == members
    assert kept.fetched_at_utc.isoformat() == "2023-11-14T22:13:20+00:00"
    assert kept.is_stale() and cached_roster(store, 9002) is None
    keep_roster(store, 9001, members)
    kept = cached_roster(store, 9001)
    assert kept is not None and not kept.is_stale()


def test_a_failure_is_kept_until_the_next_roster_arrives(store: EphemeralStore) -> None:
    keep_problem(store, 9003, "The course platform answered 500.")
    assert roster_problem(store, 9003) == "The course platform answered 500."
    keep_roster(store, 9003, [])
    assert roster_problem(store, 9003) is None


def test_a_course_without_the_service_says_so(connector: SharedTokenServiceConnector) -> None:
    service = CourseService(course_id=1, memberships_url=None, issuer=ISSUER, client_id=CLIENT_ID)
    with pytest.raises(RosterUnavailable, match="did not offer its member list"):
        fetch_class_roster(connector, service)


def test_a_refused_token_request_gives_a_clear_message(db: Session, lms: NrpsPlatform,
                                                       store: EphemeralStore, app: Flask) -> None:
    add_registration(db, name="Wrong token URL", issuer=ISSUER, client_id="other",
                     auth_login_url=ISSUER + "/auth", auth_token_url=lms.url + "/nowhere",
                     key_set={"keys": []}, deployment_ids=["d-1"])
    install_tool_key(db)
    service = CourseService(course_id=2, memberships_url=lms.memberships_url, issuer=ISSUER,
                            client_id="other")
    connector = service_connector(db, store, lti_services(app).outbound, service)
    with pytest.raises(RosterUnavailable, match="access token"):
        fetch_class_roster(connector, service)


def test_a_registration_turned_off_reads_no_roster(db: Session, lms: NrpsPlatform,
                                                   store: EphemeralStore, app: Flask) -> None:
    registration = add_registration(
        db, name="Off", issuer=ISSUER, client_id="off", auth_login_url=ISSUER + "/auth",
        auth_token_url=lms.token_url, key_set={"keys": []}, deployment_ids=["d-1"])
    from competencies.orm import utcnow
    registration.disabled_at = utcnow()
    service = CourseService(course_id=3, memberships_url=lms.memberships_url, issuer=ISSUER,
                            client_id="off")
    with pytest.raises(RosterUnavailable, match="turned this platform's registration off"):
        service_connector(db, store, lti_services(app).outbound, service)
    assert lms.requests == []
