"""Upgrading keeps every row: the migrations that copy a table on SQLite, run on a district's data.

SQLite alters most things only by copying a table and dropping the old one (Alembic's batch
mode). With foreign keys on, as Worklink runs SQLite, that drop first deletes the old table's
rows, and whatever references them is deleted, emptied or refused with them: a district's
rows lost in an upgrade that raises no error.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Engine, MetaData, column, event, func, insert, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause

from competencies.orm import UtcDateTime
from lti_tool import migrate
from lti_tool.db import make_engine
from lti_tool.migrate import alembic_config

T0 = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)

Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]
"""Each table's columns and rows."""


def test_final_score_of_a_submission_keeps_every_final_score_and_criterion(
        fresh_database_url: str) -> None:
    """0025 copies final_rubric_score on SQLite; the criteria rated in it cascade from it."""
    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0024_added_task")
            _a_district_with_final_scores(conn)
        before = _every_row(engine)
        assert len(before["final_rubric_score"][1]) == 2
        assert len(before["final_rubric_criterion"][1]) == 5

        migrate.upgrade(engine)

        assert _every_row(engine, as_in=before) == before
        with engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT submission_id FROM final_rubric_score").scalars().all() == [None, None]
    finally:
        engine.dispose()


def test_going_back_before_0025_drops_only_the_submissions_final_scores(
        fresh_database_url: str) -> None:
    """Before 0025 a final score needs a placement: the teacher's scores of submissions go (its
    downgrade deletes them); the placements' scores and every criterion of them stay."""
    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0024_added_task")
            _a_district_with_final_scores(conn)
        before = _every_row(engine)
        migrate.upgrade(engine)
        with engine.begin() as conn:
            _put(conn, "final_rubric_score", id=3, submission_id=1, task_version_id=1, given=3.0,
                 maximum=4.0, decided_by="Ms. Rivera", decided_at=T0)
            _put(conn, "final_rubric_criterion", final_id=3, **_criterion("Safety", "Proficient"))

        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0024_added_task")

        assert _every_row(engine) == before
    finally:
        engine.dispose()


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


TABLES_REFERENCED_WHEN_COPIED = {
    # superseded_by_id is the column this revision adds: it is empty in every row, so the drop
    # of the old evidence table has nothing to empty in the new one.
    "0012_evidence_provenance": {"_alembic_tmp_evidence.superseded_by_id -> evidence"},
    # The criteria are kept aside and put back; the tests above fill and check them.
    "0025_final_score_of_a_submission": {
        "final_rubric_criterion.final_id -> final_rubric_score"},
}
"""Each upgrade that copies a table others reference, with why no row is lost."""


def test_every_upgrade_that_copies_a_referenced_table_is_known(tmp_path: Path) -> None:
    """A new migration that copies a table on SQLite while other tables reference it (a
    cascade, a SET NULL, or a reference that makes the drop fail) shows up here: keep the
    referencing rows (0025) or rename in place (0023), fill them in a test, and list it."""
    found: dict[str, set[str]] = {}
    for revision, dropped, references in _drops_of_each_upgrade(tmp_path / "copies.db"):
        found.setdefault(revision, set()).update(
            f"{child}.{key} -> {dropped}" for child, key in references)
    assert {revision: refs for revision, refs in found.items() if refs} == (
        TABLES_REFERENCED_WHEN_COPIED)


def _drops_of_each_upgrade(path: Path) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        script = ScriptDirectory.from_config(alembic_config())
        drops: list[tuple[str, list[tuple[str, str]]]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def before_drop(_conn: Connection, cursor: sqlite3.Cursor, statement: str,
                        *_args: object) -> None:
            match = re.match(r'\s*DROP TABLE "?(\w+)', statement)
            if match:
                drops.append((match[1], _references(cursor.connection, match[1])))

        for revision in reversed([step.revision for step in script.walk_revisions()]):
            drops.clear()
            migrate.upgrade(engine, revision)
            for dropped, references in drops:
                yield revision, dropped, references
    finally:
        engine.dispose()


def _references(driver: sqlite3.Connection, target: str) -> list[tuple[str, str]]:
    """The (table, column) pairs that reference ``target``, itself apart."""
    found = []
    for (name,) in driver.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for key in driver.execute(f"PRAGMA foreign_key_list('{name}')"):
            if key[2] == target and name != target:
                found.append((name, key[3]))
    return sorted(found)


def _a_district_with_final_scores(conn: Connection) -> None:
    """One course at revision 0024: a placed task, an employer's rating moderated into a final
    score, a teacher's final score of a second placement, and a submission of the first."""
    _put(conn, "registration", id=1, name="Canvas (Lincoln USD)", issuer="https://canvas.test",
         client_id="10000000000001", auth_login_url="https://canvas.test/auth",
         auth_token_url="https://canvas.test/token", key_set_url="https://canvas.test/jwks",
         product="canvas", created_at=T0)
    _put(conn, "deployment", id=1, registration_id=1, deployment_id="1:abc", status="approved",
         created_at=T0, approved_at=T0)
    _put(conn, "course", id=1, deployment_id=1, context_id="ctx-health", title="Health Careers",
         created_at=T0, time_zone="America/Los_Angeles")
    for user_id, sub, name in ((1, "t-1", "Ms. Rivera"), (2, "s-1", "Ana López"),
                               (3, "s-2", "Ben Okafor")):
        _put(conn, "lms_user", id=user_id, registration_id=1, sub=sub, name=name,
             created_at=T0)
    _put(conn, "partner", id=1, registration_id=1, name="Valley Clinic", name_key="valley clinic",
         kind="employer", sector="Healthcare", address="1 Main St", clusters=["health"],
         pathways=[], notes="", active=True, search_text="valley clinic", created_at=T0)
    _put(conn, "supervisor", id=1, partner_id=1, name="Dr. Chen", title="Nurse manager",
         email="chen@valley.test", phone="", language="en", active=True, created_at=T0)
    _put(conn, "wbl_task", id=1, title="Clinic shadow", description_html="<p>Shadow</p>",
         stage="exploration", experience_type="job_shadow", asked_artifacts=["files"],
         employer_scored=True, scope="course", course_id=1, revision=1,
         search_text="clinic shadow", created_at=T0, updated_at=T0)
    _put(conn, "wbl_task_version", id=1, task_id=1, number=1, task_revision=1,
         snapshot={"title": "Clinic shadow"}, max_score=8.0, frozen_at=T0)
    for placement_id, student_id in ((1, 2), (2, 3)):
        _put(conn, "wbl_placement", id=placement_id, registration_id=1, course_id=1,
             student_id=student_id, partner_id=1, supervisor_id=1, task_id=1,
             starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 12, 18), expected_hours=20.0,
             created_at=T0)
    _put(conn, "rubric_rating", id=1, placement_id=1, task_version_id=1, rater_kind="employer",
         rater_name="Dr. Chen", supervisor_id=1, status="accepted", overall_comment="Reliable",
         signature="L. Chen", return_note="", submitted_at=T0, created_at=T0, updated_at=T0)
    _put(conn, "rubric_rating_criterion", rating_id=1, criterion="Communication",
         level="Advanced", not_observed=False, comment="", rated_at=T0)
    _put(conn, "final_rubric_score", id=1, placement_id=1, task_version_id=1, given=6.0,
         maximum=8.0, source_rating_id=1, decided_by="Ms. Rivera", decided_at=T0)
    _put(conn, "final_rubric_criterion", final_id=1,
         **_criterion("Communication", "Proficient", employer_level="Advanced",
                      reason="Two missed calls", rater_kind="teacher"))
    _put(conn, "final_rubric_criterion", final_id=1, **_criterion("Safety", "Advanced"))
    _put(conn, "final_rubric_criterion", final_id=1,
         **_criterion("Teamwork", None, not_observed=True))
    _put(conn, "final_rubric_score", id=2, placement_id=2, task_version_id=1, given=2.0,
         maximum=4.0, decided_by="Ms. Rivera", decided_at=T0 + dt.timedelta(days=1))
    _put(conn, "final_rubric_criterion", final_id=2,
         **_criterion("Communication", "Developing", rater_kind="teacher"))
    _put(conn, "final_rubric_criterion", final_id=2,
         **_criterion("Safety", "Developing", rater_kind="teacher"))
    _put(conn, "resource_link", id=1, course_id=1, resource_link_id="rl-1",
         title="Clinic shadow", custom={}, created_at=T0, task_id=1)
    _put(conn, "work_submission", id=1, resource_link_id=1, course_id=1, student_id=2,
         task_id=1, task_version_id=1, state="submitted", current_number=1, created_at=T0,
         updated_at=T0)


def _criterion(name: str, level: str | None, *, rater_kind: str = "employer",
               employer_level: str | None = None, reason: str = "",
               not_observed: bool = False) -> dict[str, Any]:
    points = {"Advanced": 4.0, "Proficient": 3.0, "Developing": 1.0, None: None}[level]
    return dict(criterion=name, level=level, points=points, not_observed=not_observed,
                rater_kind=rater_kind, rater_name="Ms. Rivera" if rater_kind == "teacher"
                else "Dr. Chen", rated_at=T0, artifact_ids=["7", "9"],
                employer_level=employer_level, reason=reason, comment=f"{name}: seen on site")


def _put(conn: Connection, table_name: str, /, **values: Any) -> None:
    """A row in the table as the migrations have left it so far."""
    conn.execute(insert(_as_it_stands(conn, table_name)).values(**values))


def _as_it_stands(conn: Connection, name: str) -> Any:
    metadata = MetaData()
    metadata.reflect(conn, only=[name])
    return metadata.tables[name]


def _every_row(engine: Engine, as_in: Rows | None = None) -> Rows:
    """Every row of every table (Alembic's own apart) in key order; or of the tables and
    columns ``as_in`` has, to compare a database after an upgrade with itself before."""
    metadata = MetaData()
    with engine.connect() as conn:
        metadata.reflect(conn, only=lambda name, _: name != "alembic_version"
                         and not name.startswith("item_search"))
        names = list(as_in) if as_in is not None else sorted(metadata.tables)
        found: Rows = {}
        for name in names:
            kept = metadata.tables[name]
            columns = as_in[name][0] if as_in is not None else list(kept.columns.keys())
            rows = conn.execute(select(*(kept.c[c] for c in columns))
                                .order_by(*kept.primary_key.columns))
            found[name] = (columns, [tuple(row) for row in rows])
        return found


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
