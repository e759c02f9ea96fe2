"""The framework's tree, worked out from isChildOf associations before anything is stored.

Pure: no database. Finds each item's parent and place, its depth, and the faults that make a
package unusable (repeated identifiers, isChildOf cycles).
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    ItemRecord,
)

R = TypeVar("R", ItemRecord, AssociationRecord)


@dataclasses.dataclass
class Tree:
    parent: dict[str, str | None]
    """Item identifier → its parent item's identifier; None for a top-level item."""
    sequence: dict[str, int | None]
    levels: list[list[str]]
    """Item identifiers by depth, parents' level first, in source order within a level."""


def unique_records(package: FrameworkPackage) -> tuple[
        list[ItemRecord], list[AssociationRecord], list[Deviation]]:
    """The items and associations with repeats removed; a repeat that differs is fatal."""
    deviations: list[Deviation] = []
    items = _unique(package.items, "item", deviations)
    associations = _unique(package.associations, "association", deviations)
    return items, associations, deviations


def _unique(
        records: list[R], kind: str, deviations: list[Deviation]) -> list[R]:
    seen: dict[str, R] = {}
    for index, record in enumerate(records):
        first = seen.get(record.identifier)
        if first is None:
            seen[record.identifier] = record
            continue
        where = record.where or f"{kind}s[{index}]"
        if dataclasses.replace(first, where=None) == dataclasses.replace(record, where=None):
            deviations.append(Deviation(where, f"repeats {kind} {record.identifier!r} "
                                               f"(first at {first.where}); the repeat is skipped"))
        else:
            deviations.append(Deviation(
                where, f"duplicate {kind} identifier {record.identifier!r}, different from the "
                       f"one at {first.where}", fatal=True))
    return list(seen.values())


def plan_tree(framework_identifier: str, items: list[ItemRecord],
              associations: list[AssociationRecord]) -> tuple[Tree, list[Deviation]]:
    deviations: list[Deviation] = []
    parent: dict[str, str | None] = {item.identifier: None for item in items}
    known = parent.keys()
    sequence: dict[str, int | None] = {}
    edge_at: dict[str, str] = {}
    for index, association in enumerate(associations):
        if association.association_type != AssociationType.IS_CHILD_OF:
            continue
        where = association.where or f"associations[{index}]"
        child, target = association.origin, association.destination
        if child not in known:
            continue  # reported with the other associations that point nowhere
        if child in sequence:
            if parent[child] != target or target == framework_identifier:
                deviations.append(Deviation(where, f"{child!r} already has a parent (at "
                                  f"{edge_at[child]}); this one is kept as an association only"))
            continue
        if target == child:
            deviations.append(Deviation(where, f"{child!r} is its own parent", fatal=True))
            continue
        if target != framework_identifier and target not in known:
            deviations.append(Deviation(where, f"isChildOf points to {target!r}, which is not in "
                                               "the framework; the item is placed at the top"))
            continue
        parent[child] = None if target == framework_identifier else target
        sequence[child] = association.sequence
        edge_at[child] = where
    depth = _depths(parent, edge_at, deviations)
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for identifier in parent:  # source order within each level
        levels[depth[identifier]].append(identifier)
    return Tree(parent=parent, sequence=sequence, levels=levels), deviations


def _depths(parent: dict[str, str | None], edge_at: dict[str, str],
            deviations: list[Deviation]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for start in parent:
        chain: list[str] = []
        on_chain: set[str] = set()
        node: str | None = start
        while node is not None and node not in depth:
            if node in on_chain:
                cycle = chain[chain.index(node):]
                deviations.append(Deviation(
                    edge_at[node], "isChildOf cycle: " + " → ".join([*cycle, node]), fatal=True))
                for member in cycle:
                    depth[member] = 0  # fatal anyway; stop the walk from looping
                break
            on_chain.add(node)
            chain.append(node)
            node = parent[node]
        base = -1 if node is None else depth[node]
        for member in reversed(chain):
            if member in depth:
                base = depth[member]
                continue
            base += 1
            depth[member] = base
    return depth
