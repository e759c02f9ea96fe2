"""The real CCSS Mathematics package (pre-CASE-1.0, 703 items) in the database, and how fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.formats import case_json
from competencies.importing import import_package
from competencies.models import Item

pytestmark = pytest.mark.shared_data


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


def test_ccss_math_imports_within_a_second_and_an_unchanged_reimport_costs_less(
        db: Session, shared_data: Path) -> None:
    package = case_json.read(shared_data / "case" / "ccss-math-sample.json")
    started = time.perf_counter()
    import_package(db, package)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_package(db, package)
    second = time.perf_counter() - started
    assert first <= 1.0, f"first import took {first:.2f} s"
    assert again.items.unchanged == 703
    assert second < first, f"re-import {second:.2f} s, first {first:.2f} s"
