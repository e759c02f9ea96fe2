"""Platform answers are read by status first, then words: each ends in a class and a sentence."""

from __future__ import annotations

import pytest

from lti_tool.grades.ags_client import scores_url
from lti_tool.grades.answers import AnswerKind, classify_score_answer, token_refused


@pytest.mark.parametrize(("status", "body", "kind"), [
    (200, "", AnswerKind.DELIVERED),
    (204, "", AnswerKind.DELIVERED),
    (429, "", AnswerKind.RATE_LIMITED),
    (403, "403 Forbidden (Rate Limit Exceeded)", AnswerKind.RATE_LIMITED),
    (403, '{"errors":[{"message":"Access denied"}]}', AnswerKind.CONFIGURATION),
    (401, '{"error":"insufficient_scope"}', AnswerKind.CONFIGURATION),
    (401, '{"error":"invalid_token"}', AnswerKind.TOKEN),
    (502, "<html>Bad gateway</html>", AnswerKind.TRANSIENT),
    (404, "", AnswerKind.LINE_ITEM_GONE),
    (422, '{"errors":{"message":"User not found in course or is not a student"}}',
     AnswerKind.NOT_GRADABLE),
    (400, '{"error":"Incorrect score received"}', AnswerKind.NOT_GRADABLE),
    (422, '{"errors":{"message":"Course is concluded"}}', AnswerKind.COURSE_CLOSED),
    (400, '{"errors":{"message":"Score timestamp before last update"}}', AnswerKind.NEWER_IN_LMS),
    (422, '{"errors":{"message":"assignment is unpublished"}}', AnswerKind.CONFIGURATION),
    (400, '{"error":"scoreMaximum must be positive"}', AnswerKind.REFUSED),
])
def test_each_answer_has_its_class(status: int, body: str, kind: AnswerKind) -> None:
    answer = classify_score_answer(status, body, resent=False)
    assert answer.kind is kind
    assert answer.kind is AnswerKind.DELIVERED or str(answer.words).endswith(".")


def test_409_is_delivered_only_for_a_resend() -> None:
    assert classify_score_answer(409, "", resent=True).kind is AnswerKind.ALREADY_RECORDED
    assert classify_score_answer(409, "", resent=False).kind is AnswerKind.NEWER_IN_LMS


def test_a_refused_token_is_configuration_and_an_outage_is_transient() -> None:
    assert token_refused(401, '{"error":"invalid_client"}').kind is AnswerKind.CONFIGURATION
    assert token_refused(503, "").kind is AnswerKind.TRANSIENT


def test_moodle_line_item_urls_get_scores_before_their_query() -> None:
    assert scores_url("https://moodle.test/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3") \
        == "https://moodle.test/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"
    assert scores_url("https://canvas.test/api/lti/courses/1/line_items/5") \
        == "https://canvas.test/api/lti/courses/1/line_items/5/scores"
