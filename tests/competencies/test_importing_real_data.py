"""The real CCSS Mathematics package (pre-CASE-1.0, 703 items) in the database, imported twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from competencies.formats import case_json
from competencies.importing import import_package
from competencies.models import Item

pytestmark = pytest.mark.shared_data


@contextmanager
def _statements(db: Session) -> Iterator[list[str]]:
    """Every statement the session's connection sends while the block runs."""
    statements: list[str] = []
    connection = db.connection()
    listener = lambda *args: statements.append(args[2])  # (conn, cursor, statement, …)
    event.listen(connection, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", listener)


def test_ccss_math_imports_as_a_browsable_tree(db: Session, shared_data: Path) -> None:
    report = import_package(db, case_json.read(shared_data / "case" / "ccss-math-sample.json"))
    assert (report.items.created, report.associations.created) == (703, 703)
    assert not report.fatal
    framework_id = report.framework_id
    roots = db.scalars(select(Item.full_statement).where(
        Item.framework_id == framework_id, Item.parent_id.is_(None))).all()
    assert len(roots) == 17 and "Standards for Mathematical Practice" in roots
    depth = db.execute(select(Item.depth, func.count()).where(Item.framework_id == framework_id)
                       .group_by(Item.depth).order_by(Item.depth)).all()
    assert sum(count for _, count in depth) == 703 and depth[0] == (0, 17)
    cluster = db.scalars(select(Item).where(
        Item.human_coding_scheme == "CCSS.Math.Content.1.G.A")).one()
    children = db.scalars(select(Item.human_coding_scheme).where(
        Item.framework_id == framework_id, Item.parent_id == cluster.id)).all()
    assert children and all(code.startswith("CCSS.Math.Content.1.G.A.") for code in children)
    below = db.scalar(select(func.count()).where(Item.path.startswith(cluster.subtree_prefix)))
    assert below >= len(children)


def test_an_unchanged_reimport_rewrites_no_item(db: Session, shared_data: Path) -> None:
    """How fast an import runs is bench/import_bench.py's to print; here, what it sends."""
    package = case_json.read(shared_data / "case" / "ccss-math-sample.json")
    with _statements(db) as first:
        import_package(db, package)
    with _statements(db) as second:
        again = import_package(db, package)
    assert again.items.unchanged == 703
    # Only the framework's "imported at" and the set-based cross-framework link fix-ups run;
    # no item or association is inserted, rewritten or deleted.
    writes = [s for s in second if s.startswith(("INSERT", "DELETE", "UPDATE item"))]
    assert writes == [] and len(second) < len(first)
