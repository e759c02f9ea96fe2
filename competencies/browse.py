"""Walk a framework's tree one level at a time: the top level, a node's children, its ancestors.

Nothing here loads a whole tree. A level is one indexed query (``framework_id, parent_id,
sequence``) with each node's child count from the same index; ancestors come from the ids in
the stored ``path``. Retired items (kept only because evidence points at them) are hidden
unless asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from competencies.exporting import FrameworkNotFound
from competencies.models import Framework, Item
from competencies.paging import Page, bounds
from competencies.search import case_blind_code

__all__ = [
    "FrameworkNotFound", "FrameworkSummary", "ItemNotFound", "Node", "ancestors", "children",
    "find_framework", "find_items", "frameworks", "node", "top_level",
]


class ItemNotFound(LookupError):
    pass


@dataclasses.dataclass(frozen=True)
class Node:
    item_id: int
    identifier: str
    code: str | None
    statement: str
    item_type: str | None
    depth: int
    child_count: int
    retired: bool
    framework_id: int


@dataclasses.dataclass(frozen=True)
class FrameworkSummary:
    identifier: str
    title: str
    item_count: int
    """Current items; retired ones are not counted."""
    source_format: str
    licence: str | None
    version: str | None


def frameworks(session: Session) -> list[FrameworkSummary]:
    """Every framework, by title, with its item count (one grouped query)."""
    counts = (select(Item.framework_id, func.count().label("items"))
              .where(Item.retired.is_(False)).group_by(Item.framework_id).subquery())
    rows = session.execute(
        select(Framework.identifier, Framework.title, func.coalesce(counts.c["items"], 0),
               Framework.source_format, Framework.licence, Framework.version)
        .outerjoin(counts, counts.c.framework_id == Framework.id)
        .order_by(Framework.title, Framework.id))
    return [FrameworkSummary(*row) for row in rows]


def find_framework(session: Session, key: str) -> Framework:
    """The framework whose identifier is ``key``, or else whose title is ``key`` (any case)."""
    found = session.scalar(select(Framework).where(Framework.identifier == key))
    if found is not None:
        return found
    titled = list(session.scalars(
        select(Framework).where(func.lower(Framework.title) == key.lower()).limit(2)))
    if len(titled) == 1:
        return titled[0]
    if titled:
        raise FrameworkNotFound(f"more than one framework is titled {key!r}; "
                                "name it by identifier")
    raise FrameworkNotFound(f"no framework {key!r} (by identifier or title)")


def top_level(session: Session, framework_id: int, *, limit: int = 50, offset: int = 0,
              include_retired: bool = False) -> Page[Node]:
    """The framework's top-level items, in order."""
    return _level(session, framework_id, None, limit, offset, include_retired)


def children(session: Session, item_id: int, *, limit: int = 50, offset: int = 0,
             include_retired: bool = False) -> Page[Node]:
    """The item's children, in order; raises :class:`ItemNotFound`."""
    framework_id = session.scalar(select(Item.framework_id).where(Item.id == item_id))
    if framework_id is None:
        raise ItemNotFound(f"no item with id {item_id}")
    return _level(session, framework_id, item_id, limit, offset, include_retired)


def node(session: Session, item_id: int, *, include_retired: bool = False) -> Node:
    """One item, retired or not, with its count of (current, or all) children; raises
    :class:`ItemNotFound`."""
    nodes = _nodes(session, [Item.id == item_id], include_retired, retired_self=True)
    if not nodes:
        raise ItemNotFound(f"no item with id {item_id}")
    return nodes[0]


def ancestors(session: Session, item_id: int) -> list[Node]:
    """The item's ancestors, top level first (a breadcrumb), from its stored ``path``."""
    path = session.scalar(select(Item.path).where(Item.id == item_id))
    if path is None:
        raise ItemNotFound(f"no item with id {item_id}")
    ids = [int(part) for part in path.strip("/").split("/") if part]
    if not ids:
        return []
    found = {found.item_id: found
             for found in _nodes(session, [Item.id.in_(ids)], False, retired_self=True)}
    return [found[ancestor] for ancestor in ids if ancestor in found]


def find_items(session: Session, key: str, *, framework_id: int | None = None,
               include_retired: bool = False) -> list[Node]:
    """Items whose identifier is ``key`` or whose code is ``key`` (any case)."""
    # Both lookups are indexed: the unique identifier, the case-blind code index of 0003.
    by_code = case_blind_code(session) == key.lower()
    conditions: list[ColumnElement[bool]] = [or_(Item.identifier == key, by_code)]
    if framework_id is not None:
        conditions.append(Item.framework_id == framework_id)
    return _nodes(session, conditions, include_retired)


def _level(session: Session, framework_id: int, parent_id: int | None, limit: int, offset: int,
           include_retired: bool) -> Page[Node]:
    limit, offset = bounds(limit, offset)
    conditions = [Item.framework_id == framework_id,
                  Item.parent_id.is_(None) if parent_id is None else Item.parent_id == parent_id]
    query = _node_query(conditions, include_retired).order_by(
        Item.sequence.asc().nulls_last(), Item.id).limit(limit + 1).offset(offset)
    return Page.of([_node(row) for row in session.execute(query)], offset, limit)


def _nodes(session: Session, conditions: Sequence[ColumnElement[bool]],
           include_retired: bool, *, retired_self: bool = False) -> list[Node]:
    query = _node_query(conditions, include_retired, retired_self).order_by(Item.depth, Item.id)
    return [_node(row) for row in session.execute(query)]


def _node(row: Any) -> Node:
    return Node(*row)


def _node_query(conditions: Sequence[ColumnElement[bool]], include_retired: bool,
                retired_self: bool = False) -> Select[
        tuple[int, str, str | None, str, str | None, int, int, bool, int]]:
    child = aliased(Item)
    counted = [child.framework_id == Item.framework_id, child.parent_id == Item.id]
    if not include_retired:
        counted.append(child.retired.is_(False))
    child_count = select(func.count()).where(*counted).correlate(Item).scalar_subquery()
    query = select(Item.id, Item.identifier, Item.human_coding_scheme, Item.full_statement,
                   Item.item_type, Item.depth, child_count, Item.retired, Item.framework_id
                   ).where(*conditions)
    if not (include_retired or retired_self):
        query = query.where(Item.retired.is_(False))
    return query
