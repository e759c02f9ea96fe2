"""``worklink worker --once`` and the periodic task send the grades waiting in the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lti_tool.cli import main
from lti_tool.grades import outbox
from lti_tool.jobs.grade_delivery import deliver_grades
from tests.lti_tool.grades.conftest import GradeWorld


def test_a_worker_pass_delivers_the_outbox(world: GradeWorld, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLINK_DATABASE_URL", world.database.url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    with world.session() as session:
        outbox.enqueue(session, world.score(points=11))
        session.commit()
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [a.body["scoreGiven"] for a in world.lms.accepted] == [11]


def test_one_run_of_the_periodic_task_takes_batches_until_nothing_is_due(
        world: GradeWorld) -> None:
    """Four scores, batches of two: one run delivers all of them, not two a minute."""
    with world.session() as session:
        for student in range(4):
            outbox.enqueue(session, world.score(student, points=student + 1), now=world.clock.now)
        session.commit()
    counts = deliver_grades(world.deliverer(), limit=2, parallelism=2)
    assert counts == {"delivered": 4}
    assert sorted(a.body["scoreGiven"] for a in world.lms.accepted) == [1, 2, 3, 4]


def test_a_run_claims_the_next_batch_while_the_last_scores_are_on_the_wire(
        world: GradeWorld) -> None:
    """Batches of one, two threads: each next score goes out beside the one still waiting for
    its answer, rather than after it was answered and written."""
    with world.session() as session:
        for student in range(4):
            outbox.enqueue(session, world.score(student, points=student + 1), now=world.clock.now)
        session.commit()
    world.lms.latency = 0.1
    counts = deliver_grades(world.deliverer(), limit=1, parallelism=2)
    assert counts == {"delivered": 4}
    assert world.lms.most_in_flight == 2


def test_a_run_stops_taking_batches_when_its_time_is_spent(world: GradeWorld) -> None:
    with world.session() as session:
        for student in range(4):
            outbox.enqueue(session, world.score(student), now=world.clock.now)
        session.commit()
    ticks = iter(range(100))
    counts = deliver_grades(world.deliverer(), limit=2, parallelism=1, budget=0.5,
                            clock=lambda: float(next(ticks)))
    assert counts == {"delivered": 2}  # one batch, then the budget was spent
