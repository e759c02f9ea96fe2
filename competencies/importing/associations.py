"""Store a framework's associations, resolving each end to an item where one exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from competencies.importing.bulk import insert_rows
from competencies.importing.fingerprint import fingerprint
from competencies.importing.items import INSERT_CHUNK, chunks
from competencies.importing.report import ChangeCounts
from competencies.models import Association, Framework, Item
from competencies.package import AssociationRecord, Deviation

FIELDS = ("association_type", "origin_identifier", "destination_identifier", "origin_item_id",
          "destination_item_id", "destination_framework", "sequence", "notes", "last_change")



def store_associations(session: Session, framework_id: int, framework_identifier: str,
                       records: list[AssociationRecord], ids: dict[str, int],
                       ) -> tuple[ChangeCounts, list[Deviation]]:
    counts = ChangeCounts()
    deviations: list[Deviation] = []
    outside = sorted({end for record in records for end in (record.origin, record.destination)
                      if end not in ids and end != framework_identifier})
    elsewhere = _items_elsewhere(session, outside, framework_id)
    existing = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(Association.identifier, Association.id, Association.fingerprint)
            .where(Association.framework_id == framework_id))
    }
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        origin, destination = record.origin, record.destination
        origin_id, destination_id = ids.get(origin), ids.get(destination)
        destination_framework = record.destination_framework
        if origin_id is None and origin != framework_identifier:
            origin_id = _resolve(origin, elsewhere, record, index, deviations)[0]
        if destination_id is None and destination != framework_identifier:
            destination_id, owner = _resolve(destination, elsewhere, record, index, deviations)
            destination_framework = destination_framework or owner
        values = (record.association_type, origin, destination, origin_id, destination_id,
                  destination_framework, record.sequence, record.notes, record.last_change)
        print_ = fingerprint(values)
        stored = existing.pop(record.identifier, None)
        if stored is not None and stored[1] == print_:
            counts.unchanged += 1
            continue
        row = dict(zip(FIELDS, values, strict=True))
        row["fingerprint"] = print_
        if stored is None:
            new.append({"framework_id": framework_id, "identifier": record.identifier, **row})
            if len(new) >= INSERT_CHUNK:
                counts.created += _insert(session, new)
        else:
            changed.append({"id": stored[0], **row})
    counts.created += _insert(session, new)
    if changed:
        session.execute(update(Association), changed)
        counts.updated = len(changed)
    gone = [stored[0] for stored in existing.values()]
    for chunk in chunks(gone):
        session.execute(delete(Association).where(Association.id.in_(chunk)))
    counts.deleted = len(gone)
    return counts, deviations


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows``, then empty the list: 50,000 rows held whole cost ~40 MB of peak memory."""
    count = len(rows)
    if rows:
        insert_rows(session, Association, rows)
        rows.clear()
    return count


def _resolve(end: str, elsewhere: dict[str, tuple[int, str]], record: AssociationRecord,
             index: int, deviations: list[Deviation]) -> tuple[int | None, str | None]:
    """The item (and its framework) in another framework that ``end`` names, if imported."""
    if end in elsewhere:
        return elsewhere[end]
    deviations.append(Deviation(
        record.where or f"associations[{index}]",
        f"{record.association_type} points to {end!r}, which is in neither this framework nor "
        "any imported one; kept unresolved"))
    return None, None


def resolve_waiting(session: Session, framework_id: int) -> None:
    """Point other frameworks' unresolved associations at this framework's items, now here."""
    for column, identifier in (
        (Association.destination_item_id, Association.destination_identifier),
        (Association.origin_item_id, Association.origin_identifier),
    ):
        match = select(Item.id).where(Item.identifier == identifier,
                                      Item.framework_id == framework_id)
        session.execute(
            update(Association)
            .where(and_(column.is_(None), Association.framework_id != framework_id,
                        match.exists()))
            .values({column: match.scalar_subquery()})
            .execution_options(synchronize_session=False)
        )


def _items_elsewhere(session: Session, identifiers: list[str], framework_id: int,
                     ) -> dict[str, tuple[int, str]]:
    """Items of other frameworks (this one's are all in ``ids``, or being removed)."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in chunks(identifiers):
        rows = session.execute(
            select(Item.identifier, Item.id, Framework.identifier)
            .join(Framework, Item.framework_id == Framework.id)
            .where(Item.identifier.in_(chunk), Item.framework_id != framework_id))
        found.update({row[0]: (row[1], row[2]) for row in rows})
    return found
