"""``worklink db upgrade`` builds the schema and the tool's keys on an empty database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from lti_tool.cli import main
from lti_tool.db import make_engine
from lti_tool.models import ToolKey


def test_upgrade_creates_schema_and_keys_once(fresh_database_url: str,
                                              monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKLINK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "database is up to date" in result.output
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ToolKey)) == 2
    engine.dispose()


def test_upgrade_in_production_without_settings_says_what_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLINK_MODE", "production")
    for name in ("WORKLINK_SECRET_KEY", "WORKLINK_DATABASE_URL", "WORKLINK_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code != 0
    assert "WORKLINK_SECRET_KEY" in result.output and "WORKLINK_DATABASE_URL" in result.output


def test_the_demo_preparation_loads_the_shipped_frameworks_once(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from competencies.models import Framework
    from lti_tool.cli.db import prepare_database

    monkeypatch.setenv("WORKLINK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    prepare_database(with_builtin_frameworks=True)
    prepare_database(with_builtin_frameworks=True)
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        titles = list(conn.scalars(select(Framework.title)))
    engine.dispose()
    assert len(titles) == 2 and any("Employability" in t for t in titles)
