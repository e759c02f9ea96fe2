"""``worklink worker --once`` sends the grades waiting in the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lti_tool.cli import main
from lti_tool.grades import outbox
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
