"""Worklink's own service client (pylti1p3 with Worklink's keys) against the live sandbox LMS.

No browser here: the tool side calls the sandbox over real HTTP on 127.0.0.1, as it would call
Canvas or Moodle, so the token endpoint, AGS and NRPS are checked against a client we did not
write for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService

from lti_tool.db import Database
from lti_tool.lti.service_connector import SharedTokenServiceConnector
from lti_tool.lti.services import build
from lti_tool.lti.tool_conf import DatabaseToolConf

SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


@pytest.fixture
def connector(live_server) -> Iterator[SharedTokenServiceConnector]:
    """The service client Worklink would use for the sandbox's registration, in this process."""
    database = Database(live_server.config.database_url)
    with database.session() as session:
        registration = DatabaseToolConf(session).find_registration_by_params(
            f"{live_server.url}/sandbox", "worklink-sandbox")
    services = build(live_server.config, database)
    yield SharedTokenServiceConnector(registration, services.store, services.outbound)
    database.engine.dispose()


def test_worklink_posts_a_grade_the_sandbox_gradebook_shows(live_server, connector):
    ags = AssignmentsGradesService(connector, {
        "scope": SCOPES, "lineitems": f"{live_server.url}/sandbox/courses/1/lineitems"})

    column = ags.find_or_create_lineitem(
        LineItem().set_label("Workplace reflection").set_score_maximum(10).set_tag("reflection"))
    ags.put_grade(
        Grade().set_user_id("sandbox-student-bao").set_score_given(7).set_score_maximum(10)
        .set_timestamp(dt.datetime.now(dt.UTC).isoformat())
        .set_activity_progress("Completed").set_grading_progress("FullyGraded"), column)

    [result] = ags.get_grades(column)
    assert result["userId"] == "sandbox-student-bao" and result["resultScore"] == 7
    assert connector.token_requests == 1
    teacher = requests.Session()
    teacher.post(f"{live_server.url}/sandbox/sign-in", data={"person": 1}, timeout=10)
    page = teacher.get(f"{live_server.url}/sandbox/gradebook", timeout=10).text
    assert "Workplace reflection" in page and "7 / 10" in page


def test_worklink_reads_the_roster(live_server, connector):
    nrps = NamesRolesProvisioningService(connector, {
        "context_memberships_url": f"{live_server.url}/sandbox/courses/1/memberships"})

    members = nrps.get_members()

    assert sorted(m["name"] for m in members) == ["Amani Okafor", "Bao Tran", "Carmen Díaz", "Lucia Rivera"]
