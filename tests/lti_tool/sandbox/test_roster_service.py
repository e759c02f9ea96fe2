"""NRPS on the sandbox: the roster in pages, filtered by role."""

from __future__ import annotations

from tests.lti_tool.sandbox.conftest import ISSUER

MEMBERSHIPS = "/sandbox/courses/1/memberships"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def local(url: str) -> str:
    return url.removeprefix(ISSUER).join(["/sandbox", ""])


def next_link(response) -> str | None:
    for part in response.headers.get("Link", "").split(","):
        if 'rel="next"' in part:
            return local(part.split(">;")[0].strip().lstrip("<"))
    return None


def test_members_come_in_pages_linked_by_rel_next(lms, bearer):
    auth = bearer()
    first = lms.get(f"{MEMBERSHIPS}?limit=3", headers=auth)
    second = lms.get(next_link(first), headers=auth)

    assert first.content_type == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    assert len(first.get_json()["members"]) == 3 and len(second.get_json()["members"]) == 1
    assert next_link(second) is None
    names = [m["name"] for m in first.get_json()["members"] + second.get_json()["members"]]
    assert names == ["Lucia Rivera", "Amani Okafor", "Bao Tran", "Carmen Díaz"]


def test_the_role_filter_keeps_only_learners(lms, bearer):
    body = lms.get(MEMBERSHIPS, query_string={"role": LEARNER}, headers=bearer()).get_json()

    assert body["context"]["title"] == "WBL Seminar (Sandbox)"
    assert {m["user_id"] for m in body["members"]} == {
        "sandbox-student-amani", "sandbox-student-bao", "sandbox-student-carmen"}
    assert all(m["roles"] == [LEARNER] and m["status"] == "Active" for m in body["members"])


def test_without_a_limit_the_whole_roster_is_one_page(lms, bearer):
    response = lms.get(MEMBERSHIPS, headers=bearer())
    assert len(response.get_json()["members"]) == 4 and "Link" not in response.headers
