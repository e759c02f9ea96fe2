"""The sandbox's gradebook: line items (columns) and scores, with the rules real platforms apply.

Score rules follow Moodle's AGS endpoint (mod/lti/service/gradebookservices): userId, timestamp,
activityProgress and gradingProgress are required, scoreGiven needs scoreMaximum, and a score
whose timestamp is not newer than the stored one (in whole seconds) is refused with 409.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, TypeGuard

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from lti_tool.sandbox.store import (
    course,
    enrollment,
    lineitem,
    person,
    placement,
    score,
    score_log,
    score_submission,
)

CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"
ACTIVITY_PROGRESS = frozenset({"Initialized", "Started", "InProgress", "Submitted", "Completed"})
GRADING_PROGRESS = frozenset({"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"})


class GradebookError(ValueError):
    """A request the platform refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(frozen=True)
class LineItemFields:
    label: str
    score_maximum: float
    resource_id: str | None = None
    tag: str | None = None
    resource_link_id: str | None = None
    start_date_time: str | None = None
    end_date_time: str | None = None


def parse_lineitem(body: Any) -> LineItemFields:
    """Read a line item from the tool's JSON, refusing what the AGS spec forbids."""
    if not isinstance(body, dict):
        raise GradebookError("a line item must be a JSON object")
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise GradebookError("label is required")
    maximum = body.get("scoreMaximum")
    if not _is_number(maximum) or maximum <= 0:
        raise GradebookError("scoreMaximum must be a number greater than 0")
    fields = {}
    for key, name in (("resourceId", "resource_id"), ("tag", "tag"),
                      ("resourceLinkId", "resource_link_id"),
                      ("startDateTime", "start_date_time"), ("endDateTime", "end_date_time")):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise GradebookError(f"{key} must be a string")
        fields[name] = value or None
    for key in ("start_date_time", "end_date_time"):
        if fields[key] is not None:
            parse_timestamp(fields[key], key)
    return LineItemFields(label=label.strip(), score_maximum=float(maximum), **fields)


def add_lineitem(conn: Connection, course_id: int, fields: LineItemFields) -> int:
    if fields.resource_link_id is not None and conn.scalar(
        select(placement.c.id).where(placement.c.course_id == course_id,
                                     placement.c.resource_link_id == fields.resource_link_id)
    ) is None:
        raise GradebookError(f"resourceLinkId {fields.resource_link_id} is not a link in this course")
    return int(conn.execute(
        insert(lineitem).values(course_id=course_id, **dataclasses.asdict(fields))
        .returning(lineitem.c.id)
    ).scalar_one())


def change_lineitem(conn: Connection, course_id: int, lineitem_id: int, fields: LineItemFields) -> None:
    current = find_lineitem(conn, course_id, lineitem_id)
    values = dataclasses.asdict(fields)
    # Platforms keep a column on its link; a PUT cannot move it (Moodle and Canvas ignore it too).
    values["resource_link_id"] = current.resource_link_id
    conn.execute(update(lineitem).where(lineitem.c.id == lineitem_id).values(**values))


def remove_lineitem(conn: Connection, course_id: int, lineitem_id: int) -> None:
    find_lineitem(conn, course_id, lineitem_id)
    conn.execute(delete(score).where(score.c.lineitem_id == lineitem_id))
    conn.execute(delete(lineitem).where(lineitem.c.id == lineitem_id))


def find_lineitem(conn: Connection, course_id: int, lineitem_id: int) -> Row[Any]:
    row = conn.execute(
        select(lineitem).where(lineitem.c.id == lineitem_id, lineitem.c.course_id == course_id)
    ).first()
    if row is None:
        raise GradebookError("line item not found", status=404)
    return row


def lineitems(conn: Connection, course_id: int, *, resource_link_id: str | None = None,
              resource_id: str | None = None, tag: str | None = None) -> list[Row[Any]]:
    query = select(lineitem).where(lineitem.c.course_id == course_id).order_by(lineitem.c.id)
    if resource_link_id:
        query = query.where(lineitem.c.resource_link_id == resource_link_id)
    if resource_id:
        query = query.where(lineitem.c.resource_id == resource_id)
    if tag:
        query = query.where(lineitem.c.tag == tag)
    return list(conn.execute(query))


def record_score(conn: Connection, course_id: int, lineitem_id: int, body: Any) -> None:
    """Store one score, or refuse it as Moodle would."""
    find_lineitem(conn, course_id, lineitem_id)
    if not isinstance(body, dict):
        raise GradebookError("a score must be a JSON object")
    missing = [k for k in ("userId", "timestamp", "activityProgress", "gradingProgress")
               if body.get(k) in (None, "")]
    if missing:
        raise GradebookError("the score is missing " + ", ".join(missing))
    if body["activityProgress"] not in ACTIVITY_PROGRESS:
        raise GradebookError(f"activityProgress {body['activityProgress']!r} is not an AGS value")
    if body["gradingProgress"] not in GRADING_PROGRESS:
        raise GradebookError(f"gradingProgress {body['gradingProgress']!r} is not an AGS value")
    given, maximum = body.get("scoreGiven"), body.get("scoreMaximum")
    if given is not None:
        if not _is_number(given) or given < 0:
            raise GradebookError("scoreGiven must be a number of at least 0")
        if not _is_number(maximum) or maximum <= 0:
            raise GradebookError("scoreGiven needs a scoreMaximum greater than 0")
    user_sub = str(body["userId"])
    if user_sub not in member_subs(conn, course_id):
        raise GradebookError(f"userId {user_sub} is not a member of this course")
    moment = parse_timestamp(body["timestamp"], "timestamp")
    existing = conn.execute(
        select(score.c.id, score.c.timestamp_epoch)
        .where(score.c.lineitem_id == lineitem_id, score.c.user_sub == user_sub)
    ).first()
    # Moodle compares whole seconds: two scores within one second collide.
    if existing is not None and int(moment.timestamp()) <= int(existing.timestamp_epoch):
        raise GradebookError("a score with this timestamp or a newer one is already stored",
                             status=409)
    comment = body.get("comment")
    values = dict(
        score_given=float(given) if given is not None else None,
        score_maximum=float(maximum) if _is_number(maximum) else None,
        comment=comment if isinstance(comment, str) else None,
        activity_progress=body["activityProgress"], grading_progress=body["gradingProgress"],
        timestamp=body["timestamp"], timestamp_epoch=moment.timestamp(),
    )
    extension = _canvas_submission(body.get(CANVAS_SUBMISSION))
    conn.execute(insert(score_log).values(lineitem_id=lineitem_id, user_sub=user_sub,
                                          score_given=values["score_given"],
                                          timestamp=body["timestamp"]))
    if existing is None:
        conn.execute(insert(score).values(lineitem_id=lineitem_id, user_sub=user_sub, **values))
    else:
        conn.execute(update(score).where(score.c.id == existing.id).values(**values))
    if extension is not None:
        _record_submission(conn, lineitem_id, user_sub, extension)


def _canvas_submission(value: Any) -> dict[str, Any] | None:
    """Canvas's extension, checked as Canvas does: ``submitted_at`` more than a minute ahead
    is refused (400)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise GradebookError(f"{CANVAS_SUBMISSION} must be an object")
    submitted = value.get("submitted_at")
    if submitted is not None:
        moment = parse_timestamp(submitted, "submitted_at")
        if moment > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1):
            raise GradebookError("submitted_at cannot be in the future")
    return value


def _record_submission(conn: Connection, lineitem_id: int, user_sub: str,
                       extension: dict[str, Any]) -> None:
    where = (score_submission.c.lineitem_id == lineitem_id,
             score_submission.c.user_sub == user_sub)
    known = conn.execute(select(score_submission.c.id, score_submission.c.submissions)
                         .where(*where)).first()
    fresh = extension.get("new_submission", True) is not False
    values = dict(submitted_at=extension.get("submitted_at"), new_submission=fresh,
                  submission_type=extension.get("submission_type"),
                  submission_data=extension.get("submission_data"))
    if known is None:
        conn.execute(insert(score_submission).values(lineitem_id=lineitem_id, user_sub=user_sub,
                                                     submissions=1, **values))
    else:
        conn.execute(update(score_submission).where(score_submission.c.id == known.id).values(
            submissions=known.submissions + (1 if fresh else 0), **values))


def submissions(conn: Connection, course_id: int) -> dict[tuple[str, int], Row[Any]]:
    """The Canvas submission of each (student, column) of the course."""
    rows = conn.execute(select(score_submission).join(
        lineitem, lineitem.c.id == score_submission.c.lineitem_id)
        .where(lineitem.c.course_id == course_id))
    return {(r.user_sub, r.lineitem_id): r for r in rows}


def results(conn: Connection, course_id: int, lineitem_id: int,
            user_sub: str | None = None) -> list[Row[Any]]:
    find_lineitem(conn, course_id, lineitem_id)
    query = select(score).where(score.c.lineitem_id == lineitem_id).order_by(score.c.id)
    if user_sub:
        query = query.where(score.c.user_sub == user_sub)
    return list(conn.execute(query))


def members(conn: Connection, course_id: int) -> list[Row[Any]]:
    return list(conn.execute(
        select(person).join(enrollment, enrollment.c.person_id == person.c.id)
        .where(enrollment.c.course_id == course_id).order_by(person.c.id)
    ))


def member_subs(conn: Connection, course_id: int) -> set[str]:
    return {row.sub for row in members(conn, course_id)}


def course_exists(conn: Connection, course_id: int) -> bool:
    return bool(conn.scalar(select(func.count()).select_from(course).where(course.c.id == course_id)))


def parse_timestamp(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise GradebookError(f"{name} must be an ISO 8601 string")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise GradebookError(f"{name} is not an ISO 8601 date and time: {value!r}") from None
    if moment.tzinfo is None:
        raise GradebookError(f"{name} needs a time zone offset: {value!r}")
    return moment


def _is_number(value: object) -> TypeGuard[int | float]:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def accepted_scores(conn: Connection, course_id: int) -> list[Row[Any]]:
    """Every score the course's gradebook accepted, oldest first."""
    return list(conn.execute(select(score_log).join(lineitem, lineitem.c.id == score_log.c.lineitem_id)
                             .where(lineitem.c.course_id == course_id).order_by(score_log.c.id)))
