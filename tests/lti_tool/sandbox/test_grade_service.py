"""AGS on the sandbox: line items, and scores refused by the rules Moodle applies."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lti_tool.sandbox.conftest import ISSUER, sign_in

LINEITEMS = "/sandbox/courses/1/lineitems"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


@pytest.fixture
def auth(bearer) -> dict[str, str]:
    return bearer()


@pytest.fixture
def column(lms, auth) -> str:
    response = lms.post(LINEITEMS, json={"label": "Placement reflection", "scoreMaximum": 10,
                                         "tag": "reflection", "resourceLinkId": "sandbox-link-1"},
                        headers={**auth, "Content-Type": LINEITEM_TYPE})
    assert response.status_code == 201
    return response.get_json()["id"].removeprefix(ISSUER).join(["/sandbox", ""])


def post_score(lms, auth, column: str, **fields: Any) -> Any:
    body = {"userId": "sandbox-student-amani", "timestamp": "2026-11-23T10:00:00+00:00",
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "scoreGiven": 8, "scoreMaximum": 10}
    body.update(fields)
    return lms.post(f"{column}/scores", json={k: v for k, v in body.items() if v is not None},
                    headers={**auth, "Content-Type": SCORE_TYPE})


def test_a_created_line_item_is_listed_for_its_link(lms, auth, column):
    response = lms.get(f"{LINEITEMS}?resource_link_id=sandbox-link-1", headers=auth)

    assert response.content_type == "application/vnd.ims.lis.v2.lineitemcontainer+json"
    [item] = response.get_json()
    assert item["label"] == "Placement reflection" and item["scoreMaximum"] == 10
    assert item["id"] == f"{ISSUER}/courses/1/lineitems/1"


def test_line_items_are_paged_with_link_headers(lms, auth):
    for n in range(3):
        lms.post(LINEITEMS, json={"label": f"Week {n}", "scoreMaximum": 5}, headers=auth)

    first = lms.get(f"{LINEITEMS}?limit=2", headers=auth)
    next_url = first.headers["Link"].split(">;")[0].lstrip("<")
    second = lms.get(next_url.removeprefix(ISSUER).join(["/sandbox", ""]), headers=auth)

    assert [i["label"] for i in first.get_json()] == ["Week 0", "Week 1"]
    assert 'rel="next"' in first.headers["Link"] and 'rel="next"' not in second.headers["Link"]
    assert [i["label"] for i in second.get_json()] == ["Week 2"]


def test_a_line_item_without_a_positive_maximum_is_refused(lms, auth):
    assert lms.post(LINEITEMS, json={"label": "Nothing", "scoreMaximum": 0}, headers=auth).status_code == 400


def test_a_line_item_can_be_renamed_and_deleted(lms, auth, column):
    renamed = lms.put(column, json={"label": "Final reflection", "scoreMaximum": 20}, headers=auth)
    assert renamed.status_code == 200 and renamed.get_json()["label"] == "Final reflection"
    assert renamed.get_json()["resourceLinkId"] == "sandbox-link-1"
    assert lms.delete(column, headers=auth).status_code == 204
    assert lms.get(column, headers=auth).status_code == 404


def test_a_complete_score_is_stored_and_returned_as_a_result(lms, auth, column):
    assert post_score(lms, auth, column, comment="Good evidence").status_code == 200

    [result] = lms.get(f"{column}/results", headers=auth).get_json()
    assert result["userId"] == "sandbox-student-amani"
    assert result["resultScore"] == 8 and result["resultMaximum"] == 10
    assert result["comment"] == "Good evidence"


@pytest.mark.parametrize("missing", ["userId", "timestamp", "activityProgress", "gradingProgress"])
def test_a_score_missing_a_required_field_is_refused(lms, auth, column, missing):
    response = post_score(lms, auth, column, **{missing: None})
    assert response.status_code == 400 and missing in response.get_json()["error"]


def test_a_score_given_without_a_maximum_is_refused(lms, auth, column):
    assert post_score(lms, auth, column, scoreMaximum=None).status_code == 400


def test_a_score_for_someone_outside_the_course_is_refused(lms, auth, column):
    assert post_score(lms, auth, column, userId="someone-else").status_code == 400


def test_a_score_not_newer_than_the_stored_one_is_a_conflict(lms, auth, column):
    assert post_score(lms, auth, column, timestamp="2026-11-23T10:00:00Z").status_code == 200
    assert post_score(lms, auth, column, timestamp="2026-11-23T10:00:00Z").status_code == 409
    assert post_score(lms, auth, column, timestamp="2026-11-23T09:59:59Z").status_code == 409
    assert post_score(lms, auth, column, timestamp="2026-11-23T10:00:01Z", scoreGiven=9).status_code == 200
    [result] = lms.get(f"{column}/results", headers=auth).get_json()
    assert result["resultScore"] == 9


def test_a_score_in_a_text_body_is_refused(lms, auth, column):
    response = lms.post(f"{column}/scores", data="userId=x", headers={**auth, "Content-Type": "text/plain"})
    assert response.status_code == 415


def test_the_gradebook_page_shows_scores_per_student(lms, auth, column):
    post_score(lms, auth, column)
    sign_in(lms, "Rivera")

    page = lms.get("/sandbox/gradebook").get_data(as_text=True)

    assert "Placement reflection" in page and "Amani Okafor" in page and "8 / 10" in page


def test_the_gradebook_is_for_the_teacher_only(lms):
    sign_in(lms, "Carmen")
    assert lms.get("/sandbox/gradebook").status_code == 403


CANVAS = "https://canvas.instructure.com/lti/submission"


def test_the_gradebook_keeps_canvas_s_submission_time_attempts_and_comment(lms, auth, column):
    extension = {"new_submission": True, "submitted_at": "2026-11-20T08:30:00+00:00",
                 "submission_type": "online_url", "submission_data": "https://worklink.test/e/1"}
    post_score(lms, auth, column, comment="Safety: Developing, 2 of 4 points", **{CANVAS: extension})
    regrade = {**extension, "new_submission": False}
    assert post_score(lms, auth, column, timestamp="2026-11-23T10:00:01+00:00",
                      comment="Safety: Proficient, 4 of 4 points", **{CANVAS: regrade}).status_code == 200
    sign_in(lms, "Rivera")
    page = lms.get("/sandbox/gradebook").get_data(as_text=True)
    assert "Submitted 2026-11-20T08:30:00+00:00; attempt 1" in page  # a regrade is no new attempt
    assert "Safety: Proficient, 4 of 4 points" in page and "Developing" not in page


def test_a_submission_time_in_the_future_is_refused_as_canvas_does(lms, auth, column):
    response = post_score(lms, auth, column, **{CANVAS: {"submitted_at": "2099-01-01T00:00:00+00:00"}})
    assert response.status_code == 400 and "future" in response.get_json()["error"]
