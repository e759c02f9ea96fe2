"""Browse a framework one level at a time: top level, children, breadcrumbs, retired items."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from competencies import browse
from competencies.models import Evidence, Item, RaterType
from tests.competencies.framework_factories import Node, ident, store, tree_package

MATH: list[Node] = [
    ("M.1", "Counting and Cardinality", [
        ("M.1.A", "Know number names and the count sequence.", [
            ("M.1.A.1", "Count to 100 by ones and by tens.", []),
            ("M.1.A.2", "Count forward beginning from a given number.", []),
            ("M.1.A.3", "Write numbers from 0 to 20.", []),
        ]),
        ("M.1.B", "Count to tell the number of objects.", []),
    ]),
    ("M.2", "Geometry", []),
]


@contextmanager
def counted_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind().engine

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _id(db: Session, code: str) -> int:
    [found] = browse.find_items(db, code, include_retired=True)
    return found.item_id


def test_top_level_is_in_order_with_child_counts(db: Session) -> None:
    framework_id = store(db, tree_package("math", "Math", MATH))
    page = browse.top_level(db, framework_id)
    assert [(node.code, node.child_count, node.depth) for node in page.entries] == [
        ("M.1", 2, 0), ("M.2", 0, 0)]
    assert not page.has_more


def test_children_come_a_page_at_a_time(db: Session) -> None:
    store(db, tree_package("math", "Math", MATH))
    parent = _id(db, "M.1.A")
    first = browse.children(db, parent, limit=2)
    second = browse.children(db, parent, limit=2, offset=2)
    assert [node.code for node in first.entries] == ["M.1.A.1", "M.1.A.2"] and first.has_more
    assert [node.code for node in second.entries] == ["M.1.A.3"] and not second.has_more


def test_a_level_costs_the_same_queries_however_large_the_tree(db: Session) -> None:
    wide: list[Node] = [("W", "Wide", [(f"W.{n}", f"Leaf {n}", [(f"W.{n}.x", "Deeper", [])])
                                       for n in range(300)])]
    store(db, tree_package("wide", "Wide", wide))
    parent = _id(db, "W")
    with counted_statements(db) as statements:
        page = browse.children(db, parent, limit=25)
    assert len(page.entries) == 25 and page.entries[0].child_count == 1
    assert len(statements) <= 2


def test_breadcrumb_runs_from_the_top_down(db: Session) -> None:
    store(db, tree_package("math", "Math", MATH))
    crumbs = browse.ancestors(db, _id(db, "M.1.A.2"))
    assert [node.code for node in crumbs] == ["M.1", "M.1.A"]
    assert browse.ancestors(db, _id(db, "M.1")) == []


def test_retired_items_are_hidden_unless_asked_for(db: Session) -> None:
    package = tree_package("math", "Math", MATH)
    store(db, package)
    db.add(Evidence(learner_ref="learner-1", item_id=_id(db, "M.1.A.3"), score=3,
                    rater_type=RaterType.TEACHER))
    db.flush()
    package.items = [item for item in package.items if item.human_coding_scheme != "M.1.A.3"]
    package.associations = [a for a in package.associations
                            if a.origin != ident("math", "M.1.A.3")]
    store(db, package)
    parent = _id(db, "M.1.A")
    assert [node.code for node in browse.children(db, parent).entries] == ["M.1.A.1", "M.1.A.2"]
    shown = browse.children(db, parent, include_retired=True).entries
    assert [(node.code, node.retired) for node in shown][-1] == ("M.1.A.3", True)
    assert browse.node(db, parent).child_count == 2


def test_frameworks_are_listed_with_current_item_counts(db: Session) -> None:
    store(db, tree_package("math", "Math", MATH))
    store(db, tree_package("art", "Art", [("A.1", "Draw", [])]))
    listed = {summary.title: summary.item_count for summary in browse.frameworks(db)}
    assert listed["Math"] == 7 and listed["Art"] == 1


def test_a_framework_is_found_by_identifier_or_title(db: Session) -> None:
    framework_id = store(db, tree_package("math", "Math", MATH))
    assert browse.find_framework(db, ident("math")).id == framework_id
    assert browse.find_framework(db, "math").id == framework_id
    with pytest.raises(browse.FrameworkNotFound):
        browse.find_framework(db, "no such framework")


def test_items_are_found_by_code_in_any_case_or_by_identifier(db: Session) -> None:
    store(db, tree_package("math", "Math", MATH))
    by_code = browse.find_items(db, "m.1.a.2")
    by_identifier = browse.find_items(db, ident("math", "M.1.A.2"))
    assert [node.code for node in by_code] == [node.code for node in by_identifier] == ["M.1.A.2"]
    with pytest.raises(browse.ItemNotFound):
        browse.children(db, max(db.query(Item.id).all())[0] + 1000)
