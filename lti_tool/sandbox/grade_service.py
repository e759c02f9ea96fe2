"""Assignment and Grade Services (AGS 2.0): line items, scores and results over HTTP."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Row

from lti_tool.sandbox import gradebook
from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.paging import paginate
from lti_tool.sandbox.platform import sandbox
from lti_tool.sandbox.service_token import require_scope

SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"


def _lineitems_url(course_id: int) -> str:
    return sandbox().settings.url(f"/courses/{course_id}/lineitems")


def lineitem_json(row: Row[Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"{_lineitems_url(row.course_id)}/{row.id}",
        "label": row.label,
        "scoreMaximum": row.score_maximum,
    }
    for key, value in (("resourceId", row.resource_id), ("tag", row.tag),
                       ("resourceLinkId", row.resource_link_id),
                       ("startDateTime", row.start_date_time), ("endDateTime", row.end_date_time)):
        if value is not None:
            body[key] = value
    return body


def _json(body: Any, media_type: str, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.content_type = media_type
    return response


def _problem(exc: gradebook.GradebookError) -> ResponseReturnValue:
    return jsonify(error=str(exc)), exc.status


def _json_body(*media_types: str) -> Any:
    # The spec names one media type per body; Canvas also takes plain JSON, so we do too.
    if request.mimetype not in (*media_types, "application/json"):
        raise gradebook.GradebookError(
            f"Content-Type must be {media_types[0]} (got {request.mimetype or 'none'})", status=415
        )
    body = request.get_json(silent=True)
    if body is None:
        raise gradebook.GradebookError("the body is not JSON")
    return body


@bp.get("/courses/<int:course_id>/lineitems")
@require_scope(SCOPE + "lineitem", SCOPE + "lineitem.readonly")
def list_lineitems(course_id: int) -> ResponseReturnValue:
    with sandbox().store.read() as conn:
        if not gradebook.course_exists(conn, course_id):
            return jsonify(error="no such course"), 404
        rows = gradebook.lineitems(
            conn, course_id, resource_link_id=request.args.get("resource_link_id"),
            resource_id=request.args.get("resource_id"), tag=request.args.get("tag"),
        )
    page = paginate(rows, _lineitems_url(course_id), request.args.to_dict())
    response = _json([lineitem_json(r) for r in page.items], LINEITEM_CONTAINER)
    if page.link:
        response.headers["Link"] = page.link
    return response


@bp.post("/courses/<int:course_id>/lineitems")
@require_scope(SCOPE + "lineitem")
def create_lineitem(course_id: int) -> ResponseReturnValue:
    try:
        fields = gradebook.parse_lineitem(_json_body(LINEITEM))
        with sandbox().store.begin() as conn:
            if not gradebook.course_exists(conn, course_id):
                return jsonify(error="no such course"), 404
            new_id = gradebook.add_lineitem(conn, course_id, fields)
            row = gradebook.find_lineitem(conn, course_id, new_id)
    except gradebook.GradebookError as exc:
        return _problem(exc)
    response = _json(lineitem_json(row), LINEITEM, 201)
    response.headers["Location"] = lineitem_json(row)["id"]
    return response


@bp.get("/courses/<int:course_id>/lineitems/<int:lineitem_id>")
@require_scope(SCOPE + "lineitem", SCOPE + "lineitem.readonly")
def get_lineitem(course_id: int, lineitem_id: int) -> ResponseReturnValue:
    try:
        with sandbox().store.read() as conn:
            row = gradebook.find_lineitem(conn, course_id, lineitem_id)
    except gradebook.GradebookError as exc:
        return _problem(exc)
    return _json(lineitem_json(row), LINEITEM)


@bp.put("/courses/<int:course_id>/lineitems/<int:lineitem_id>")
@require_scope(SCOPE + "lineitem")
def put_lineitem(course_id: int, lineitem_id: int) -> ResponseReturnValue:
    try:
        fields = gradebook.parse_lineitem(_json_body(LINEITEM))
        with sandbox().store.begin() as conn:
            gradebook.change_lineitem(conn, course_id, lineitem_id, fields)
            row = gradebook.find_lineitem(conn, course_id, lineitem_id)
    except gradebook.GradebookError as exc:
        return _problem(exc)
    return _json(lineitem_json(row), LINEITEM)


@bp.delete("/courses/<int:course_id>/lineitems/<int:lineitem_id>")
@require_scope(SCOPE + "lineitem")
def delete_lineitem(course_id: int, lineitem_id: int) -> ResponseReturnValue:
    try:
        with sandbox().store.begin() as conn:
            gradebook.remove_lineitem(conn, course_id, lineitem_id)
    except gradebook.GradebookError as exc:
        return _problem(exc)
    return "", 204


@bp.post("/faults")
def queue_faults() -> ResponseReturnValue:
    """Make the next score posts fail: ``{"score": [{"status": 503}, {"status": 429,
    "retry_after": 2}, {"status": "hang", "seconds": 3}, {"status": "lost"}]}``. "lost" stores
    the score and then answers 504, as when the answer is lost on the way back: the tool's
    resend then meets Moodle's 409 for an equal timestamp. The sandbox runs only in dev."""
    body = request.get_json(silent=True)
    faults = body.get("score") if isinstance(body, dict) else None
    if not isinstance(faults, list) or not all(isinstance(f, dict) and "status" in f
                                               for f in faults):
        return jsonify(error='expected {"score": [{"status": …}, …]}'), 400
    sandbox().score_faults.extend(faults)
    return jsonify(queued=len(sandbox().score_faults))


@bp.get("/courses/<int:course_id>/score-log")
def score_log(course_id: int) -> ResponseReturnValue:
    """Every score the gradebook accepted, in order (for the demo's curious and the tests)."""
    with sandbox().store.read() as conn:
        rows = gradebook.accepted_scores(conn, course_id)
    return jsonify([{"lineitem": r.lineitem_id, "userId": r.user_sub, "scoreGiven": r.score_given,
                     "timestamp": r.timestamp} for r in rows])


def _fault(course_id: int, lineitem_id: int) -> ResponseReturnValue | None:
    try:
        fault = sandbox().score_faults.popleft()
    except IndexError:
        return None
    if fault["status"] == "lost":
        refused = _store_score(course_id, lineitem_id)
        return refused if refused is not None else (jsonify(error="the answer was lost"), 504)
    if fault["status"] == "hang":
        time.sleep(float(fault.get("seconds", 5)))  # a platform that does not answer in time
        return jsonify(error="too late"), 504
    response = jsonify(error=str(fault.get("error", "simulated fault")))
    response.status_code = int(fault["status"])
    if fault.get("retry_after") is not None:
        response.headers["Retry-After"] = str(fault["retry_after"])
    return response


@bp.post("/courses/<int:course_id>/lineitems/<int:lineitem_id>/scores")
@require_scope(SCOPE + "score")
def post_score(course_id: int, lineitem_id: int) -> ResponseReturnValue:
    failed = _fault(course_id, lineitem_id)
    if failed is not None:
        return failed
    refused = _store_score(course_id, lineitem_id)
    return refused if refused is not None else ("", 200)


def _store_score(course_id: int, lineitem_id: int) -> ResponseReturnValue | None:
    """Store the posted score; the refusal, if the gradebook refuses it."""
    try:
        body = _json_body(SCORE)
        with sandbox().store.begin() as conn:
            gradebook.record_score(conn, course_id, lineitem_id, body)
    except gradebook.GradebookError as exc:
        return _problem(exc)
    return None


@bp.get("/courses/<int:course_id>/lineitems/<int:lineitem_id>/results")
@require_scope(SCOPE + "result.readonly")
def list_results(course_id: int, lineitem_id: int) -> ResponseReturnValue:
    try:
        with sandbox().store.read() as conn:
            rows = gradebook.results(conn, course_id, lineitem_id, request.args.get("user_id"))
    except gradebook.GradebookError as exc:
        return _problem(exc)
    line_url = f"{_lineitems_url(course_id)}/{lineitem_id}"
    page = paginate(rows, f"{line_url}/results", request.args.to_dict())
    body = []
    for r in page.items:
        result: dict[str, Any] = {"id": f"{line_url}/results/{r.id}", "scoreOf": line_url,
                                  "userId": r.user_sub}
        if r.score_given is not None:
            result["resultScore"] = r.score_given
            result["resultMaximum"] = r.score_maximum
        if r.comment:
            result["comment"] = r.comment
        body.append(result)
    response = _json(body, RESULT_CONTAINER)
    if page.link:
        response.headers["Link"] = page.link
    return response
