"""The framework's tree, worked out from isChildOf associations before anything is stored.

Pure: no database. Finds each item's parent and place, its depth, and the faults that make a
package unusable (repeated identifiers, isChildOf cycles).
"""

from __future__ import annotations

import dataclasses
import re
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
    _place_unnumbered(items, parent, sequence)
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for identifier in parent:  # source order within each level
        levels[depth[identifier]].append(identifier)
    return Tree(parent=parent, sequence=sequence, levels=levels), deviations


def natural_key(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """``"CON.10"`` after ``"CON.2"``: runs of digits compare as numbers, the rest as text."""
    return tuple((0, int(run), "") if run.isdigit() else (1, 0, run.casefold())
                 for run in _RUNS.findall(text or ""))


def _place_unnumbered(items: list[ItemRecord], parent: dict[str, str | None],
                      sequence: dict[str, int | None]) -> None:
    """Give the children of a parent that the source left unnumbered their numeric-aware order.

    Only where no sibling has a sequence: the source's numbers are never overridden. Siblings
    are ordered by list enumeration, then code, then their order in the source, so ``1.2``
    comes before ``1.10`` (as OpenSALT's own ordering tests expect), where a text sort would not.
    """
    siblings: dict[str | None, list[tuple[int, ItemRecord]]] = {}
    for index, item in enumerate(items):
        siblings.setdefault(parent[item.identifier], []).append((index, item))
    for group in siblings.values():
        if any(sequence.get(item.identifier) is not None for _, item in group):
            continue
        if not any(item.list_enumeration or item.human_coding_scheme for _, item in group):
            continue  # nothing to order by: the source's order stands
        ordered = sorted(group, key=lambda pair: (natural_key(pair[1].list_enumeration),
                                                  natural_key(pair[1].human_coding_scheme), pair[0]))
        for position, (_, item) in enumerate(ordered, start=1):
            sequence[item.identifier] = position


_RUNS = re.compile(r"\d+|\D+")


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
