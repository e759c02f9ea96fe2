"""Empty the grade outbox: claim due scores, send each to its platform, record what happened.

A plain function, so any job engine can call it on a schedule (and the demo in-process):
``deliver_due_scores`` takes a batch (or, for the periodic job, batch after batch, each
claimed while the last scores of the one before are on the wire), sends it with a few threads
(never more than one score per task and student at a time, see :mod:`outbox`), and returns
what it did. Everything it learns is written to the row before it returns, so a worker killed
mid-run leaves only rows in flight whose lease runs out, and they are sent again (a
Moodle-style 409 then tells Worklink the first send had arrived).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
import os
import queue
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from competencies.messages import N_, Message
from competencies.orm import utcnow
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.grades import outbox
from lti_tool.grades.ags_client import AgsClient, PlatformAccount, TokenRefused, Unreachable
from lti_tool.grades.answers import (
    RETRIED,
    Answer,
    AnswerKind,
    classify_score_answer,
    token_refused,
    transport_failure,
)
from lti_tool.grades.lineitems import Busy, line_item_url
from lti_tool.grades.pacing import Pacing
from lti_tool.lti import keys
from lti_tool.lti.keys import SigningKey
from lti_tool.lti.store import make_store
from lti_tool.models import (
    Course,
    DeliveryState,
    Deployment,
    DeploymentStatus,
    GradeOutbox,
    LineItemBinding,
    Registration,
    ResourceLink,
    User,
)
from lti_tool.outbound.configured import client_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BACKOFF_BASE = 15.0
BACKOFF_CAP = 3600.0
THROTTLE_PAUSE = 1.0
"""How long a platform that throttled without ``Retry-After`` (Canvas's 403) is left alone."""
BUSY_PAUSE = 0.2
"""How long a score waits while another worker finds or makes its gradebook column."""
PAUSE_HANDBACK = 2.0
"""A platform paused longer than this hands its claimed rows back untried."""


_SEND_NEEDS = (
    # Everything the batch's sends need, in one statement for the batch (built once), so no
    # database round trip stands between one score's answer and the next score's request.
    select(GradeOutbox, ResourceLink, User, Registration, Course, Deployment)
    .join(ResourceLink, ResourceLink.id == GradeOutbox.resource_link_id)
    .join(User, User.id == GradeOutbox.user_id)
    .join(Registration, Registration.id == GradeOutbox.registration_id)
    .join(Course, Course.id == GradeOutbox.course_id)
    .join(Deployment, Deployment.id == Course.deployment_id)
    .where(GradeOutbox.id.in_(bindparam("row_ids", expanding=True)))
)


_Needs = tuple[GradeOutbox, ResourceLink, User, Registration, Course, Deployment]
_Learned = tuple[int, outbox.Outcome, dt.datetime]
"""A claimed row, what became of it, and when."""


_DEPLOYMENT_OFF = N_("Worklink's install in the LMS (deployment %(deployment)s) is %(status)s, so "
                     "no grades are sent for it. An administrator can enable it again, then "
                     "choose Send again.")
_STATUS_WORDS = {DeploymentStatus.PENDING: N_("waiting for an administrator's approval"),
                 DeploymentStatus.DISABLED: N_("disabled")}
_GAVE_UP = N_("Worklink tried %(attempts)s times and gave up: %(problem)s Choose Send again when "
              "the LMS works again.")


@dataclasses.dataclass
class DeliveryReport:
    counts: Counter[str] = dataclasses.field(default_factory=Counter)

    def __getitem__(self, key: str) -> int:
        return self.counts[key]


def backoff(attempt: int, retry_after: float | None = None, *,
            rng: Callable[[], float] = random.random) -> float:
    """Seconds before the next attempt: exponential with jitter, never before ``Retry-After``."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempt - 1))
    wait = ceiling / 2 + rng() * ceiling / 2
    return float(max(wait, retry_after or 0.0))


class Deliverer:
    def __init__(self, database: Database, client: AgsClient, *, worker: str,
                 pacing: Pacing | None = None, clock: Callable[[], dt.datetime] = utcnow,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.database = database
        self.client = client
        self.worker = worker
        self.clock = clock
        self.pacing = pacing or Pacing(lambda: clock().timestamp())
        self._columns: dict[int, str] = {}
        """Line item URL per placed task, as this process last sent to it."""
        self._finding: dict[int, threading.Lock] = collections.defaultdict(threading.Lock)
        """One lock per placed task whose column this process is looking for: its other
        threads wait for the answer rather than hand their rows back as "busy"."""
        self.sleep = sleep

    def deliver_due_scores(self, *, limit: int = 100, parallelism: int = 4,
                           another: Callable[[], bool] | None = None) -> DeliveryReport:
        """Claim up to ``limit`` due scores and send them with ``parallelism`` threads.

        With ``another`` (asked before each next batch: may this run go on?), batches go on
        until one claims nothing or it says no, and each next batch is claimed while the last
        scores of the one before are still on the wire: no pause between batches.
        """
        report = DeliveryReport()
        claimed, needs = self._claim(limit)
        if parallelism <= 1 or (another is None and len(claimed) <= 1):
            while claimed:
                for row in claimed:
                    report.counts[self._deliver(row, needs[row.id], self._finish_now)] += 1
                if another is None or not another():
                    break
                claimed, needs = self._claim(limit)
            return report
        # The threads only send; one recorder writes what they learn, several answers per
        # transaction, so no database write stands between one answer and the next request.
        # Everything is written before this returns.
        learned: queue.SimpleQueue[_Learned | threading.Event | None] = queue.SimpleQueue()
        recorder = threading.Thread(target=self._record, args=(learned,),
                                    name="grades-recorder", daemon=True)
        recorder.start()

        def count(done: Iterable[Future[str]]) -> None:
            for future in done:
                report.counts[future.result()] += 1

        try:
            with ThreadPoolExecutor(max_workers=parallelism,
                                    thread_name_prefix="grades") as pool:
                sending: set[Future[str]] = set()
                while True:
                    sending.update(pool.submit(self._deliver, row, needs[row.id], learned.put)
                                   for row in claimed)
                    if another is None or not another():
                        break
                    if not claimed:
                        if not sending:
                            break  # nothing due, nothing on the wire
                        # Nothing claimable while scores are on the wire (a newer score waits
                        # for its pair's older one): let them land and their outcomes be
                        # written, then look once more.
                        count(wait(sending).done)
                        sending = set()
                        written = threading.Event()
                        learned.put(written)
                        written.wait()
                    else:
                        # The next batch is claimed once each thread has its last score of
                        # this one: the claim's round trips overlap the platform's answers.
                        # A score on the wire (or answered, its outcome not yet written)
                        # keeps a newer one of its pair out of the claim: the order holds.
                        while len(sending) > parallelism:
                            done, sending = wait(sending, return_when=FIRST_COMPLETED)
                            count(done)
                    claimed, needs = self._claim(limit)
                count(wait(sending).done)
        finally:
            learned.put(None)
            recorder.join()
        return report

    def _claim(self, limit: int) -> tuple[list[outbox.Claimed], dict[int, _Needs]]:
        with self.database.session() as session:
            claimed = outbox.claim(session, self.worker, now=self.clock(), limit=limit,
                                   skip_registrations=self.pacing.paused())
            needs: dict[int, _Needs] = {
                found[0].id: found for found in session.execute(
                    _SEND_NEEDS, {"row_ids": [c.id for c in claimed]})
            } if claimed else {}
            session.commit()  # nothing held open while the platform is asked
        return claimed, needs

    def _deliver(self, claimed: outbox.Claimed, needs: _Needs,
                 record: Callable[[_Learned], None]) -> str:
        with self.database.session() as session:
            outcome = self._attempt(session, claimed, needs)
        record((claimed.id, outcome, self.clock()))
        return outcome.state.value if outcome.counts_as_attempt or \
            outcome.state is not DeliveryState.PENDING else "handed back"

    def _finish_now(self, learned: _Learned) -> None:
        with self.database.session() as session:
            outbox.finish_many(session, self.worker, [learned])

    def _record(self, learned: queue.SimpleQueue[_Learned | threading.Event | None]) -> None:
        done = False
        while not done:
            batch = [learned.get()]
            while True:
                try:
                    batch.append(learned.get_nowait())
                except queue.Empty:
                    break
            done = None in batch
            outcomes = [item for item in batch if isinstance(item, tuple)]
            if outcomes:
                try:
                    with self.database.session() as session:
                        outbox.finish_many(session, self.worker, outcomes)
                except Exception:
                    # The rows stay in flight; after their lease they are sent again, and the
                    # LMS's 409 for the repeat says they had arrived.
                    log.exception("could not record %d grade outcomes", len(outcomes))
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()  # everything learned before it is written

    def _attempt(self, session: Session, claimed: outbox.Claimed,
                 needs: _Needs) -> outbox.Outcome:
        row, link, user, registration, course, deployment = needs
        if deployment.status is not DeploymentStatus.ACTIVE:
            return outbox.Outcome(DeliveryState.FAILED, problem_kind=AnswerKind.CONFIGURATION,
                                  problem=Message(_DEPLOYMENT_OFF,
                                                  deployment=deployment.deployment_id,
                                                  status=Message(_STATUS_WORDS.get(
                                                      deployment.status,
                                                      deployment.status.value))))
        account = PlatformAccount(registration.id, registration.issuer, registration.client_id,
                                  registration.auth_token_url, registration.auth_audience)
        pacer = self.pacing[registration.id]
        if pacer.pause_remaining() > PAUSE_HANDBACK:
            return self._hand_back(pacer.pause_remaining())
        try:
            url: str | Answer | Busy | None = self._columns.get(link.id)
            if url is None:
                # Threads of this process queue here; workers elsewhere meet the binding row
                # and come back as Busy. Handing rows back while a column is being made costs
                # each of them a claim, a write and a pause, all while the platform waits.
                with self._finding[link.id]:
                    url = self._columns.get(link.id) or line_item_url(
                        session, self.client, account, link, lineitems_url=course.lineitems_url,
                        label=link.title or "Worklink task",
                        maximum=row.score.get("scoreMaximum"), now=self.clock())
                    if isinstance(url, str):
                        self._columns[link.id] = url
            if isinstance(url, Busy):
                return self._hand_back(BUSY_PAUSE)
            if isinstance(url, Answer):
                return self._judge(claimed, url)
            assert isinstance(url, str)
            wait = pacer.reserve(max_wait=PAUSE_HANDBACK)
            if wait is None:
                return self._hand_back(max(pacer.pause_remaining(), PAUSE_HANDBACK))
            if wait > 0:
                self.sleep(wait)
            body = {"userId": user.sub, **row.score}
            answer = self.client.post_score(account, url, body)
            if answer.status == 401:
                # An expired or revoked token: one fresh token, one more try, at once.
                self.client.forget_token(account)
                answer = self.client.post_score(account, url, body)
            if answer.status == 404 and self._columns.pop(link.id, None) is not None:
                # The column this process remembered may have been replaced (Send again after
                # a deletion): ask the database once more before calling the column gone.
                fresh = line_item_url(session, self.client, account, link,
                                      lineitems_url=course.lineitems_url,
                                      label=link.title or "Worklink task",
                                      maximum=row.score.get("scoreMaximum"), now=self.clock())
                if isinstance(fresh, str) and fresh != url:
                    url = fresh
                    answer = self.client.post_score(account, url, body)
            if 200 <= answer.status < 300:
                self._columns[link.id] = url
        except Unreachable as exc:
            return self._judge(claimed, transport_failure(str(exc)))
        except TokenRefused as exc:
            return self._judge(claimed, token_refused(exc.status, exc.body))
        judged = classify_score_answer(answer.status, answer.body, resent=claimed.attempts > 0,
                                       retry_after=answer.retry_after)
        if judged.kind is AnswerKind.RATE_LIMITED:
            pacer.throttled_for(THROTTLE_PAUSE if judged.retry_after is None
                                else judged.retry_after)
        else:
            pacer.observe(answer.headers)
        if judged.kind is AnswerKind.LINE_ITEM_GONE:
            session.query(LineItemBinding).filter_by(resource_link_id=link.id).update(
                {"url": None})
            session.commit()
        return self._judge(claimed, judged)

    def _hand_back(self, seconds: float) -> outbox.Outcome:
        return outbox.Outcome(DeliveryState.PENDING, counts_as_attempt=False,
                              next_attempt_at=self.clock() + dt.timedelta(seconds=seconds))

    def _judge(self, claimed: outbox.Claimed, answer: Answer) -> outbox.Outcome:
        details: dict[str, Any] = dict(platform_status=answer.status,
                                       platform_answer=answer.body or None)
        if answer.kind in (AnswerKind.DELIVERED, AnswerKind.ALREADY_RECORDED):
            return outbox.Outcome(DeliveryState.DELIVERED, **details)
        if answer.kind is AnswerKind.NEWER_IN_LMS:
            return outbox.Outcome(DeliveryState.SUPERSEDED, problem_kind=answer.kind,
                                  problem=answer.words, **details)
        attempt = claimed.attempts + 1
        if answer.kind in RETRIED:
            throttled = answer.kind is AnswerKind.RATE_LIMITED
            if attempt < MAX_ATTEMPTS or throttled:
                if throttled:
                    # A leaky bucket refills in seconds: no exponential wait, just its pause.
                    wait = THROTTLE_PAUSE if answer.retry_after is None else answer.retry_after
                else:
                    wait = backoff(attempt, answer.retry_after)
                return outbox.Outcome(
                    DeliveryState.PENDING, problem_kind=answer.kind, problem=answer.words,
                    next_attempt_at=self.clock() + dt.timedelta(seconds=wait),
                    counts_as_attempt=not throttled, **details)
            return outbox.Outcome(
                DeliveryState.FAILED, problem_kind=answer.kind,
                problem=Message(_GAVE_UP, attempts=attempt, problem=answer.words), **details)
        return outbox.Outcome(DeliveryState.FAILED, problem_kind=answer.kind,
                              problem=answer.words, **details)


def deliver_due_scores(database: Database, client: AgsClient, *, worker: str,
                       limit: int = 100, parallelism: int = 4, pacing: Pacing | None = None,
                       clock: Callable[[], dt.datetime] = utcnow) -> DeliveryReport:
    """One pass: what a scheduled job calls."""
    return Deliverer(database, client, worker=worker, pacing=pacing,
                     clock=clock).deliver_due_scores(limit=limit, parallelism=parallelism)


def build_deliverer(database: Database, config: Config, *, worker: str | None = None) -> Deliverer:
    """The deliverer a worker process runs: tokens in Redis when configured, else the database."""

    def signing() -> SigningKey:
        with database.session() as session:
            return keys.signing_key(session)

    client = AgsClient(make_store(database, config.redis_url), signing,
                       outbound=client_for(config), timeout=config.http_timeout_seconds * 2)
    return Deliverer(database, client,
                     worker=worker or f"{socket.gethostname()}:{os.getpid()}")
