"""The grade outbox: scores written beside the final score, claimed by workers, sent in order.

Ordering per (placed task, student) rests on two rules: a new score supersedes every older
one not yet sent, and a row is only claimed while no other row for the same pair is in flight.
So at most one score per pair is ever on the wire, and it is the newest one written.

Claiming is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`` on
PostgreSQL, so workers on several machines take disjoint rows without waiting on each other.
SQLite has no row locks; its single-writer lock makes the same statement atomic, which is
what several worker threads of one machine need.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, and_, bindparam, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from competencies.messages import Message
from competencies.orm import utcnow
from lti_tool.grades.payload import GradebookScore, score_body
from lti_tool.i18n import person_language
from lti_tool.models import (
    Course,
    DeliveryState,
    Deployment,
    GradeOutbox,
    LineItemBinding,
    ResourceLink,
)

LEASE = dt.timedelta(minutes=5)
"""How long a claimed row stays a worker's; far above a request's timeouts, so a live worker
never loses a row it is sending, and a killed one's rows return after this."""

LIVE = (DeliveryState.PENDING, DeliveryState.IN_FLIGHT)


class UnknownPlacement(LookupError):
    """The score names a placed task Worklink does not know."""


def whole_second(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def enqueue(session: Session, score: GradebookScore, *, now: dt.datetime | None = None) -> GradeOutbox:
    """Add the score to the outbox in the caller's transaction (flushed, not committed).

    Older scores for the same task and student that were not sent yet are superseded: the
    latest score wins. The timestamp is the score's moment in whole seconds, raised to one
    second past the previous score's when two come within the same second.
    """
    now = now or utcnow()
    link = session.get(ResourceLink, score.resource_link_id)
    if link is None:
        raise UnknownPlacement(f"no placed task {score.resource_link_id}")
    course = session.get(Course, link.course_id)
    assert course is not None
    deployment = session.get(Deployment, course.deployment_id)
    assert deployment is not None
    pair = (GradeOutbox.resource_link_id == link.id, GradeOutbox.user_id == score.user_id)
    last = session.execute(
        select(GradeOutbox.sequence, GradeOutbox.score_timestamp).where(*pair)
        .order_by(GradeOutbox.sequence.desc()).limit(1)
    ).first()
    timestamp = whole_second(score.rated_at or now)
    if last is not None and timestamp <= last.score_timestamp:
        timestamp = last.score_timestamp + dt.timedelta(seconds=1)
    seen_source = session.scalar(select(exists().where(*pair, GradeOutbox.source == score.source)))
    # The comment is written here, in the student's language as it stands when the score is
    # queued, and the row keeps it: every send of the row (a resend after a crash, "Send again"
    # days later) carries the same body, as a comment already in the gradebook keeps the words
    # it came with. A student who switches language meanwhile reads the new one from their next
    # score on. Named, not taken from the page: the request queueing it is the teacher's or
    # the employer's, whose language is theirs.
    language = person_language(session, score.user_id)
    session.execute(
        update(GradeOutbox).where(*pair, GradeOutbox.state.in_(
            (DeliveryState.PENDING, DeliveryState.FAILED)))
        .values(state=DeliveryState.SUPERSEDED, updated_at=now)
    )
    row = GradeOutbox(
        registration_id=deployment.registration_id, course_id=course.id,
        resource_link_id=link.id, user_id=score.user_id,
        sequence=(last.sequence + 1) if last is not None else 1, source=score.source,
        state=DeliveryState.PENDING,
        score=score_body(score, timestamp=timestamp, new_submission=not seen_source,
                         language=language),
        score_timestamp=timestamp, next_attempt_at=now, created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


@dataclasses.dataclass(frozen=True)
class Claimed:
    id: int
    registration_id: int
    attempts: int
    """Attempts before this one: a resend after a crash answered 409 was delivered already."""


def claim(session: Session, worker: str, *, now: dt.datetime, limit: int,
          skip_registrations: frozenset[int] = frozenset()) -> list[Claimed]:
    """Take up to ``limit`` due rows for ``worker`` and commit, so the claim outlives a crash."""
    other = aliased(GradeOutbox)
    same_pair = and_(other.resource_link_id == GradeOutbox.resource_link_id,
                     other.user_id == GradeOutbox.user_id, other.id != GradeOutbox.id)
    # A dead worker's row with a newer score behind it is not sent again: the newer one goes.
    session.execute(
        update(GradeOutbox).where(
            GradeOutbox.state == DeliveryState.IN_FLIGHT, GradeOutbox.lease_until <= now,
            exists().where(same_pair, other.sequence > GradeOutbox.sequence))
        .values(state=DeliveryState.SUPERSEDED, lease_until=None, worker=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    busy = exists().where(same_pair, other.state == DeliveryState.IN_FLIGHT)
    due = and_(GradeOutbox.next_attempt_at <= now, ~busy)
    expired = and_(GradeOutbox.state == DeliveryState.IN_FLIGHT, GradeOutbox.lease_until <= now)
    chosen = (
        select(GradeOutbox.id)
        .where(((GradeOutbox.state == DeliveryState.PENDING) & due) | expired)
        .order_by(GradeOutbox.next_attempt_at, GradeOutbox.id)
        .limit(limit)
    )
    if skip_registrations:
        chosen = chosen.where(GradeOutbox.registration_id.not_in(skip_registrations))
    if session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    rows = session.execute(
        update(GradeOutbox).where(GradeOutbox.id.in_(chosen.scalar_subquery()))
        .values(state=DeliveryState.IN_FLIGHT, lease_until=now + LEASE, worker=worker,
                updated_at=now, attempts=GradeOutbox.attempts + 1)
        .returning(GradeOutbox.id, GradeOutbox.registration_id, GradeOutbox.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    # Counted at the claim, not at the end: a worker killed mid-send leaves the attempt counted,
    # so a resend answered 409 is known to be a repeat of a score that arrived.
    return sorted((Claimed(r.id, r.registration_id, r.attempts - 1) for r in rows),
                  key=lambda c: c.id)


@dataclasses.dataclass(frozen=True)
class Outcome:
    state: DeliveryState
    next_attempt_at: dt.datetime | None = None
    problem_kind: str | None = None
    problem: Message | None = None
    platform_status: int | None = None
    platform_answer: str | None = None
    counts_as_attempt: bool = True
    """False when the row was handed back untried or throttled (nothing reached the LMS)."""


_TABLE = cast(Table, GradeOutbox.__table__)
_OUTBOX = _TABLE.c
_FINISH = (
    # Built once, on the table, so one statement can record many outcomes at once (an
    # executemany). Columns an outcome leaves alone keep their value through COALESCE.
    update(_TABLE)
    .where(_OUTBOX.id == bindparam("row_id"), _OUTBOX.worker == bindparam("me"),
           _OUTBOX.state == DeliveryState.IN_FLIGHT)
    .values(state=bindparam("state", type_=_OUTBOX.state.type), lease_until=None,
            worker=None, updated_at=bindparam("now", type_=_OUTBOX.updated_at.type),
            problem_kind=bindparam("problem_kind"), problem=bindparam("problem"),
            problem_message=bindparam("problem_message", type_=_OUTBOX.problem_message.type),
            platform_status=bindparam("platform_status"),
            platform_answer=bindparam("platform_answer"),
            attempts=_OUTBOX.attempts - bindparam("uncounted"),
            next_attempt_at=func.coalesce(
                bindparam("next_at", type_=_OUTBOX.next_attempt_at.type),
                _OUTBOX.next_attempt_at),
            delivered_at=func.coalesce(
                bindparam("delivered_at", type_=_OUTBOX.updated_at.type),
                _OUTBOX.delivered_at))
)


def finish(session: Session, row_id: int, worker: str, outcome: Outcome, *,
           now: dt.datetime) -> bool:
    """Record what happened to a claimed row; ``False`` if the row is no longer this worker's
    (its lease ran out and another worker took it), in which case nothing is changed."""
    return finish_many(session, worker, [(row_id, outcome, now)]) == 1


def finish_many(session: Session, worker: str,
                outcomes: Sequence[tuple[int, Outcome, dt.datetime]]) -> int:
    """Record several claimed rows' outcomes in one transaction; how many were still this
    worker's (the others are left as they are)."""
    result = session.connection().execute(_FINISH, [{
        "row_id": row_id, "me": worker, "state": outcome.state, "now": now,
        "problem_kind": outcome.problem_kind,
        "problem": str(outcome.problem) if outcome.problem else None,
        "problem_message": outcome.problem.to_json() if outcome.problem else None,
        "platform_status": outcome.platform_status,
        "platform_answer": (outcome.platform_answer or "")[:2000] or None,
        "uncounted": 0 if outcome.counts_as_attempt else 1,
        "next_at": outcome.next_attempt_at,
        "delivered_at": now if outcome.state is DeliveryState.DELIVERED else None,
    } for row_id, outcome, now in outcomes])
    session.commit()
    return int(result.rowcount)


def send_again(session: Session, row_id: int, *, now: dt.datetime | None = None) -> GradeOutbox:
    """A teacher's "send again" on a parked score: due now, and a deleted column is found or
    made again. Only the newest score of its pair can be sent again (an older one would
    overwrite it)."""
    now = now or utcnow()
    row = session.get(GradeOutbox, row_id)
    if row is None:
        raise LookupError(f"no score {row_id} in the outbox")
    if row.state is not DeliveryState.FAILED:
        raise ValueError("only a score that failed can be sent again")
    if row.problem_kind == "line_item_gone":
        session.execute(update(LineItemBinding).where(
            LineItemBinding.resource_link_id == row.resource_link_id).values(url=None))
    row.state, row.next_attempt_at, row.attempts = DeliveryState.PENDING, now, 0
    row.updated_at = now
    session.commit()
    return row


def not_delivered(session: Session, course_id: int) -> int:
    """How many students' newest scores in the course have not reached the gradebook."""
    return int(session.scalar(
        select(func.count()).select_from(GradeOutbox).where(
            GradeOutbox.course_id == course_id,
            GradeOutbox.state.in_((*LIVE, DeliveryState.FAILED)))
    ) or 0)
