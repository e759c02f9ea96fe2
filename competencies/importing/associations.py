"""Store a framework's associations, resolving each end to an item where one exists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.orm import Session

from competencies.importing.items import chunks
from competencies.importing.report import ChangeCounts
from competencies.models import Association, Framework, Item
from competencies.package import AssociationRecord, Deviation

FIELDS = ("association_type", "origin_identifier", "destination_identifier", "origin_item_id",
          "destination_item_id", "destination_framework", "sequence", "notes", "last_change")


def associations_elsewhere(session: Session, identifiers: Sequence[str],
                           framework_id: int | None) -> dict[str, str]:
    """Association identifier → the other framework that already holds it."""
    found: dict[str, str] = {}
    for chunk in chunks(identifiers):
        query = (select(Association.identifier, Framework.identifier)
                 .join(Framework, Association.framework_id == Framework.id)
                 .where(Association.identifier.in_(chunk)))
        if framework_id is not None:
            query = query.where(Association.framework_id != framework_id)
        found.update({row[0]: row[1] for row in session.execute(query)})
    return found


def store_associations(session: Session, framework_id: int, framework_identifier: str,
                       records: list[AssociationRecord], ids: dict[str, int],
                       ) -> tuple[ChangeCounts, list[Deviation]]:
    counts = ChangeCounts()
    deviations: list[Deviation] = []
    outside = sorted({end for record in records for end in (record.origin, record.destination)
                      if end not in ids and end != framework_identifier})
    elsewhere = _items_elsewhere(session, outside)
    existing = {
        row[0]: (row[1], tuple(row[2:]))
        for row in session.execute(
            select(Association.identifier, Association.id,
                   *(getattr(Association, name) for name in FIELDS))
            .where(Association.framework_id == framework_id))
    }
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        where = record.where or f"associations[{index}]"
        ends: list[tuple[int | None, str | None]] = []
        for end in (record.origin, record.destination):
            if end in ids:
                ends.append((ids[end], None))
            elif end == framework_identifier:
                ends.append((None, None))
            elif end in elsewhere:
                ends.append(elsewhere[end])
            else:
                ends.append((None, None))
                deviations.append(Deviation(
                    where, f"{record.association_type} points to {end!r}, which is in neither "
                           "this framework nor any imported one; kept unresolved"))
        values = {
            "association_type": record.association_type,
            "origin_identifier": record.origin,
            "destination_identifier": record.destination,
            "origin_item_id": ends[0][0],
            "destination_item_id": ends[1][0],
            "destination_framework": record.destination_framework or ends[1][1],
            "sequence": record.sequence,
            "notes": record.notes,
            "last_change": record.last_change,
        }
        stored = existing.pop(record.identifier, None)
        if stored is None:
            new.append({"framework_id": framework_id, "identifier": record.identifier, **values})
        elif stored[1] == tuple(values.values()):
            counts.unchanged += 1
        else:
            changed.append({"id": stored[0], **values})
    if new:
        session.execute(insert(Association), new)
        counts.created = len(new)
    if changed:
        session.execute(update(Association), changed)
        counts.updated = len(changed)
    gone = [stored[0] for stored in existing.values()]
    for chunk in chunks(gone):
        session.execute(delete(Association).where(Association.id.in_(chunk)))
    counts.deleted = len(gone)
    return counts, deviations


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


def _items_elsewhere(session: Session, identifiers: list[str],
                     ) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for chunk in chunks(identifiers):
        rows = session.execute(
            select(Item.identifier, Item.id, Framework.identifier)
            .join(Framework, Item.framework_id == Framework.id)
            .where(Item.identifier.in_(chunk)))
        found.update({row[0]: (row[1], row[2]) for row in rows})
    return found
