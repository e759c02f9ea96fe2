"""Store a framework's items: bulk inserts and updates, one query to read what is there.

Speed rules (a 50,000-item package must import in seconds): existing rows come back as tuples
in one query; new rows go in one tree level at a time, in bulk, and the level's ids come back
in one query (so a child's ``parent_id`` and ``path`` are known when it is inserted); changed
rows go out as one executemany UPDATE; nothing runs one query per item.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from competencies.importing.bulk import insert_rows
from competencies.importing.fingerprint import fingerprint
from competencies.importing.report import ChangeCounts
from competencies.importing.tree import Tree
from competencies.models import Association, Framework, Item
from competencies.orm import Base, utcnow
from competencies.package import ItemRecord

CONTENT = (
    "human_coding_scheme", "full_statement", "abbreviated_statement", "item_type",
    "education_levels", "keywords", "list_enumeration", "language", "notes", "uri",
    "last_change", "extra",
)
content_of = operator.attrgetter(*CONTENT)
PLACE = ("parent_id", "depth", "path", "sequence")
"""Compared as values (cheap); CONTENT is compared through ``Item.fingerprint``."""
CHUNK = 1000
"""Identifiers per IN (…) list; well under SQLite's and PostgreSQL's parameter limits."""


StoredItem = tuple[int, str, int | None, int, str, int | None, bool]
"""A stored item as loaded: id, fingerprint, then PLACE, then retired (a plain tuple: 50,000
of them are built on every re-import)."""


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_existing(session: Session, framework_id: int) -> dict[str, StoredItem]:
    columns = [getattr(Item, name) for name in ("id", "fingerprint", *PLACE, "retired")]
    rows = session.execute(
        select(Item.identifier, *columns).where(Item.framework_id == framework_id)
    )
    return {row[0]: row[1:] for row in rows}


def held_elsewhere(session: Session, model: type[Item] | type[Association],
                   identifiers: Sequence[str], framework_id: int | None) -> dict[str, str]:
    """Identifier → identifier of the other framework that already holds a ``model`` row with it
    (items and associations alike: an identifier names one thing across all frameworks)."""
    found: dict[str, str] = {}
    for chunk in chunks(identifiers):
        query = (select(model.identifier, Framework.identifier)
                 .join(Framework, model.framework_id == Framework.id)
                 .where(model.identifier.in_(chunk)))
        if framework_id is not None:
            query = query.where(model.framework_id != framework_id)
        found.update({row[0]: row[1] for row in session.execute(query)})
    return found


INSERT_CHUNK = 1_000
"""New rows are sent this many at a time: a 50,000-item level built whole would add ~50 MB to
the import's peak memory, 5,000 at a time still ~8 MB, for no gain in speed."""


def _insert(session: Session, rows: list[dict[str, Any]], created: set[str]) -> None:
    """Insert ``rows`` (then empty the list), remembering their identifiers in ``created``."""
    if rows:
        insert_rows(session, Item, rows)
        created.update(row["identifier"] for row in rows)
        rows.clear()


def store_items(session: Session, framework_id: int, records: Iterable[ItemRecord],
                tree: Tree, existing: dict[str, StoredItem]) -> tuple[dict[str, int], ChangeCounts]:
    """Insert and update the package's items; return identifier → id for all of them."""
    by_identifier = {record.identifier: record for record in records}
    counts = ChangeCounts()
    ids: dict[str, int] = {}
    paths: dict[str, str] = {}
    """The path of each item with children (the leaves, most of the items, need none kept)."""
    parents = set(tree.parent.values())
    changed: list[dict[str, Any]] = []
    for depth, level in enumerate(tree.levels):
        new: list[dict[str, Any]] = []
        created: set[str] = set()
        for identifier in level:
            record = by_identifier[identifier]
            parent = tree.parent[identifier]
            parent_id = None if parent is None else ids[parent]
            path = "/" if parent is None else f"{paths[parent]}{parent_id}/"
            if identifier in parents:
                paths[identifier] = path
            content = content_of(record)
            sequence = tree.sequence.get(identifier)
            print_ = fingerprint(content)
            stored = existing.get(identifier)
            if stored is not None:
                ids[identifier] = stored[0]
                if stored[1:] == (print_, parent_id, depth, path, sequence, False):
                    counts.unchanged += 1
                    continue
            row = dict(zip(CONTENT, content, strict=True))
            row.update(parent_id=parent_id, depth=depth, path=path, sequence=sequence,
                       retired=False, retired_at=None, fingerprint=print_)
            if stored is None:
                new.append({"framework_id": framework_id, "identifier": identifier, **row})
                if len(new) >= INSERT_CHUNK:
                    _insert(session, new, created)
            else:
                changed.append({"id": stored[0], **row})
        _insert(session, new, created)
        if created:
            # In batches: a 40,000-row level fetched whole added ~10 MB to the import's peak.
            inserted = session.execute(select(Item.identifier, Item.id).where(
                Item.framework_id == framework_id, Item.depth == depth
            ).execution_options(yield_per=CHUNK))
            for identifier, id_ in inserted:
                # The level may also hold items the source dropped; only the new ones are
                # wanted, keyed by the record's own string (not the row's copy of it).
                if identifier in created:
                    ids[by_identifier[identifier].identifier] = id_
            counts.created += len(created)
    if changed:
        session.execute(update(Item), changed)
        counts.updated += len(changed)
    return ids, counts


def remove_missing(session: Session, framework_id: int, existing: dict[str, StoredItem],
                   kept: set[str], counts: ChangeCounts) -> None:
    """Delete the items the source no longer has, or retire those something still points to."""
    gone = [stored for identifier, stored in existing.items() if identifier not in kept]
    if not gone:
        return
    referenced = _referenced(session, framework_id, [stored[0] for stored in gone])
    retire = [s[0] for s in gone if s[0] in referenced and not s[-1]]
    counts.unchanged += sum(1 for s in gone if s[0] in referenced and s[-1])
    drop = [s[0] for s in gone if s[0] not in referenced]
    now = utcnow()
    for chunk in chunks(retire):
        session.execute(update(Item).where(Item.id.in_(chunk))
                        .values(retired=True, retired_at=now))
    for chunk in chunks(drop):
        session.execute(delete(Item).where(Item.id.in_(chunk)))
    counts.retired += len(retire)
    counts.deleted += len(drop)


def _referenced(session: Session, framework_id: int, item_ids: list[int]) -> set[int]:
    """Which of these items a row in another table points to (evidence, rubrics, crosswalks).

    Found from the foreign keys on the metadata, so a table added later (alignments of WBL
    tasks, say) protects items without this code knowing about it.
    """
    found: set[int] = set()
    item_table = Item.__table__
    for table in Base.metadata.sorted_tables:
        if table is item_table or not isinstance(table, Table):
            continue
        for fk in table.foreign_keys:
            if fk.column is not item_table.c.id:
                continue
            for chunk in chunks(item_ids):
                query = select(fk.parent).where(fk.parent.in_(chunk)).distinct()
                if table is Association.__table__:
                    # The framework's own associations are replaced by this import.
                    query = query.where(Association.framework_id != framework_id)
                found.update(session.scalars(query))
    return found
