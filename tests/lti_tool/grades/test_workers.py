"""Several workers share the outbox: each score arrives exactly once, in order, through faults
and a worker killed mid-batch."""

from __future__ import annotations

import threading
from collections import defaultdict

from sqlalchemy import func, select

from bench.ags_platform import Fault
from lti_tool.grades import outbox
from lti_tool.grades.ags_client import AgsClient, HttpAnswer, PlatformAccount
from lti_tool.models import DeliveryState, GradeOutbox
from tests.lti_tool.grades.conftest import GradeWorld, make_client
from tests.lti_tool.grades.test_delivery import enqueue


class Killed(BaseException):
    """The worker process dies (a BaseException, so no handler of ours records anything)."""


class DyingClient(AgsClient):
    """Sends its first ``survive`` scores, then dies right after the platform stored the next."""

    def __init__(self, world: GradeWorld, survive: int) -> None:
        base = make_client(world.database)
        super().__init__(base.store, base.signing_key, outbound=base.outbound, timeout=2)
        self.left = survive

    def post_score(self, account: PlatformAccount, lineitem_url: str, body: object) -> HttpAnswer:
        answer = super().post_score(account, lineitem_url, body)  # type: ignore[arg-type]
        self.left -= 1
        if self.left < 0:
            raise Killed
        return answer


def test_workers_in_parallel_deliver_each_score_once_and_in_order(world: GradeWorld) -> None:
    # Three rounds of regrades for four students, each round written while workers run.
    world.lms.fail("score", Fault(503), Fault("reset"), Fault(429, retry_after=1), Fault(500))
    enqueue(world, *(world.score(n, points=1) for n in range(4)))
    world.deliverer("w1").deliver_due_scores(limit=1)  # the column exists before the race
    try:
        world.deliverer("dying", client=DyingClient(world, survive=1)).deliver_due_scores(
            parallelism=1)
    except Killed:
        pass
    for points in (2, 3):
        enqueue(world, *(world.score(n, points=points) for n in range(4)))
        errors: list[BaseException] = []

        def work(name: str, errors: list[BaseException] = errors) -> None:
            try:
                for _ in range(3):
                    world.deliverer(name, client=world.new_client()).deliver_due_scores(
                        limit=3, parallelism=2)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        world.clock.advance(3600)
    for _ in range(6):
        world.deliverer("w9").deliver_due_scores()
        world.clock.advance(outbox.LEASE.total_seconds() + 3600)

    by_student: dict[str, list[float]] = defaultdict(list)
    for accepted in world.lms.accepted:
        by_student[accepted.user].append(accepted.body["scoreGiven"])
    for sub in world.subs:
        points = by_student[sub]
        assert points == sorted(points) and len(points) == len(set(points)), (sub, points)
        assert points[-1] == 3, (sub, points)  # the latest score is what the gradebook holds
    assert {k[1]: v["scoreGiven"] for k, v in world.lms.stored.items()} == dict.fromkeys(world.subs, 3)
    with world.session() as session:
        live = session.scalar(select(func.count()).select_from(GradeOutbox).where(
            GradeOutbox.state.in_((DeliveryState.PENDING, DeliveryState.IN_FLIGHT))))
        assert live == 0
