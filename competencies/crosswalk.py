"""What an item is associated with, in either direction, within and across frameworks.

"Which O*NET skills are associated with CCSS.ELA-LITERACY.W.11-12.2?" is
``associated(session, item_id, to_framework=<O*NET framework id>)``: every association whose
origin or destination is the item, with the item at the other end (possibly in another
framework, possibly not imported yet). Tree edges (isChildOf) are browse's business and left
out unless asked for.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from competencies.browse import ItemNotFound
from competencies.models import Association, Framework, Item
from competencies.package import AssociationType

__all__ = ["Direction", "Link", "associated"]


class Direction(enum.StrEnum):
    OUTGOING = "outgoing"
    """The item is the association's origin: ``item exactMatchOf other``."""
    INCOMING = "incoming"
    """The item is the destination: ``other exactMatchOf item``."""


@dataclasses.dataclass(frozen=True)
class Link:
    association_type: str
    direction: Direction
    other_identifier: str
    other_item_id: int | None
    """None when the other end is not imported (yet), or is a framework document."""
    other_code: str | None
    other_statement: str | None
    other_framework_identifier: str | None
    other_framework_title: str | None
    other_retired: bool
    notes: str | None
    carried_by: str
    """Identifier of the framework whose package holds the association."""

    def reads(self, item_label: str) -> str:
        """The link as a sentence in CASE's direction, e.g. ``A exactMatchOf B``."""
        other = self.other_code or self.other_identifier
        if self.direction is Direction.OUTGOING:
            return f"{item_label} {self.association_type} {other}"
        return f"{other} {self.association_type} {item_label}"


def associated(session: Session, item_id: int, *, to_framework: str | None = None,
               types: Collection[str] | None = None, include_tree: bool = False,
               include_retired: bool = False) -> list[Link]:
    """The item's associations with the item at the other end; ``to_framework`` is the other
    end's framework identifier, ``types`` the association types to keep."""
    identifier = session.scalar(select(Item.identifier).where(Item.id == item_id))
    if identifier is None:
        raise ItemNotFound(f"no item with id {item_id}")
    links = [*_links(session, identifier, Direction.OUTGOING),
             *_links(session, identifier, Direction.INCOMING)]
    return [
        link for link in links
        if (include_tree or link.association_type != AssociationType.IS_CHILD_OF)
        and (types is None or link.association_type in types)
        and (to_framework is None or link.other_framework_identifier == to_framework)
        and (include_retired or not link.other_retired)
    ]


def _links(session: Session, identifier: str, direction: Direction) -> list[Link]:
    other = aliased(Item)
    other_framework = aliased(Framework)
    carrier = aliased(Framework)
    if direction is Direction.OUTGOING:
        mine, theirs = Association.origin_identifier, Association.destination_identifier
    else:
        mine, theirs = Association.destination_identifier, Association.origin_identifier
    # Both identifier columns are indexed; the other end is joined by its unique identifier,
    # so an association stored before its target was imported is found all the same.
    declared = (Association.destination_framework if direction is Direction.OUTGOING
                else carrier.identifier)
    rows = session.execute(
        select(Association.association_type, theirs, other.id, other.human_coding_scheme,
               other.full_statement, other_framework.identifier, other_framework.title,
               other.retired, Association.notes, carrier.identifier, declared)
        .join(carrier, carrier.id == Association.framework_id)
        .outerjoin(other, other.identifier == theirs)
        .outerjoin(other_framework, other_framework.id == other.framework_id)
        .where(mine == identifier)
        .order_by(Association.association_type, Association.sequence.asc().nulls_last(),
                  Association.id))
    return [
        Link(association_type=kind, direction=direction, other_identifier=other_identifier,
             other_item_id=other_id, other_code=code, other_statement=statement,
             # Not imported: the association may still say which framework it points into.
             other_framework_identifier=framework_identifier or declared_framework,
             other_framework_title=framework_title, other_retired=bool(retired),
             notes=notes, carried_by=carried_by)
        for (kind, other_identifier, other_id, code, statement, framework_identifier,
             framework_title, retired, notes, carried_by, declared_framework) in rows
    ]
