"""``worklink worker --once`` removes launch values past their expiry and keeps the rest."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from lti_tool.cli import main
from lti_tool.db import make_engine
from lti_tool.models import EphemeralValue


def test_worker_once_purges_only_expired_values(fresh_database_url: str, tmp_path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLINK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    engine = make_engine(fresh_database_url)
    now = int(time.time())
    with engine.begin() as conn:
        conn.execute(insert(EphemeralValue), [
            {"key": "state:old", "value": b"{}", "expires_at": now - 60},
            {"key": "state:live", "value": b"{}", "expires_at": now + 540},
        ])
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        assert list(conn.scalars(select(EphemeralValue.key))) == ["state:live"]
    engine.dispose()
