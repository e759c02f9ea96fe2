"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, column, func, insert, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause

from competencies.orm import UtcDateTime
from lti_tool import migrate
from lti_tool.db import make_engine
from lti_tool.migrate import alembic_config, include_object, metadata


def test_models_and_migrations_agree(connection: Connection) -> None:
    opts = {"compare_type": True, "include_object": include_object}
    context = MigrationContext.configure(connection, opts=opts)
    assert compare_metadata(context, metadata()) == []


def test_the_migrations_form_one_line() -> None:
    # Two sessions numbering migrations at once can leave two heads; upgrading to "heads" would
    # still work, but the order between them would be undefined.
    from alembic.script import ScriptDirectory

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_renaming_a_tasks_asked_artifacts_keeps_its_versions_both_ways(
        fresh_database_url: str) -> None:
    """0023 renames a column of wbl_task, which task versions cascade from: copying the table to
    rename it (batch mode's default on SQLite) would delete them."""
    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0022_standing_tally")
            conn.execute(insert(_task("evidence")).values(
                id=1, title="Clinic shadow", description_html="", stage="exploration",
                experience_type="job_shadow", evidence=["files", "reflection"],
                employer_scored=False, scope="course", revision=1, search_text="",
                created_at=T0, updated_at=T0))
            conn.execute(insert(_VERSION).values(task_id=1, number=1, task_revision=1,
                                                 snapshot={"evidence": ["files"]}, frozen_at=T0))
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.scalar(select(_task("asked_artifacts").c.asked_artifacts)) == [
                "files", "reflection"]
            assert conn.scalar(select(func.count()).select_from(_VERSION)) == 1
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0022_standing_tally")
        with engine.connect() as conn:
            assert conn.scalar(select(_task("evidence").c.evidence)) == ["files", "reflection"]
            assert conn.scalar(select(func.count()).select_from(_VERSION)) == 1
    finally:
        engine.dispose()


T0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
_VERSION = table("wbl_task_version", column("task_id"), column("number"),
                 column("task_revision"), column("snapshot", JSON()),
                 column("frozen_at", UtcDateTime()))


def _task(kinds_column: str) -> TableClause:
    """wbl_task as the migrations left it, the kinds of artifact under ``kinds_column``."""
    return table("wbl_task", column("id"), column("title"), column("description_html"),
                 column("stage"), column("experience_type"), column(kinds_column, JSON()),
                 column("employer_scored"), column("scope"), column("revision"),
                 column("search_text"), column("created_at", UtcDateTime()),
                 column("updated_at", UtcDateTime()))
