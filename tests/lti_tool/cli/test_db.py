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


def test_the_demo_preparation_loads_the_shipped_content_once(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Frameworks, the CCSS and O*NET samples and six templates; a second start adds nothing."""
    from competencies.models import Framework, Item, Rubric
    from competencies.tasks.model import Task, TaskAlignment
    from lti_tool.cli.db import prepare_database

    monkeypatch.setenv("WORKLINK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    engine = make_engine(fresh_database_url)

    def counts() -> list[int]:
        with engine.connect() as conn:
            return [conn.scalar(select(func.count()).select_from(model)) or 0
                    for model in (Framework, Item, Task, TaskAlignment, Rubric)]

    prepare_database(demo_content=True)
    first = counts()
    prepare_database(demo_content=True)
    with engine.connect() as conn:
        titles = list(conn.scalars(select(Framework.title)))
    assert counts() == first
    engine.dispose()
    assert first[0] == 4 and first[2] == 6
    assert {"Common Core State Standards for Mathematics", "O*NET occupations, tasks and skills",
            "Employability Skills Framework"} <= set(titles)
