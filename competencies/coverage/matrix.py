"""A course's coverage as a teacher reads it: each framework's rows grouped under their parent
item (a strand, a cluster, a skill area; for an O*NET task statement, its occupation), every
group and framework counting what is covered, so the gaps are found without reading every row.

Plain Python: the query that fills it is :mod:`competencies.coverage.course`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from competencies.labels import Label
from competencies.messages import N_, Message


@dataclasses.dataclass(frozen=True)
class CoverageRow:
    item_id: int
    code: str | None
    statement: Label
    cells: tuple[str | None, ...]
    """Per task (in :attr:`Coverage.tasks` order): the alignment type, or ``None``."""
    under: int | None = None
    """The item this row is grouped under: its parent, or for an item at the top of the tree
    the item it is part of (an O*NET task statement's occupation); ``None`` at the top level."""
    kind: str | None = None
    """The framework's own word for the item (Career Cluster, Occupation, Skill…), which
    splits the top level into groups."""

    @property
    def covered(self) -> bool:
        return any(self.cells)


@dataclasses.dataclass(frozen=True)
class Head:
    """The item a group of rows sits under, as a person reads it."""

    item_id: int
    code: str | None
    label: Label


@dataclasses.dataclass(frozen=True)
class CoverageGroup:
    code: str | None
    label: Label
    rows: tuple[CoverageRow, ...]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def gaps(self) -> tuple[CoverageRow, ...]:
        """The rows no task covers, in the framework's order."""
        return tuple(row for row in self.rows if not row.covered)


@dataclasses.dataclass(frozen=True)
class FrameworkCoverage:
    framework_id: int
    title: str
    attribution: str | None
    groups: tuple[CoverageGroup, ...]

    @property
    def rows(self) -> tuple[CoverageRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def covered(self) -> int:
        return sum(group.covered for group in self.groups)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def not_covered(self) -> int:
        return self.total - self.covered

    @property
    def groups_with_gaps(self) -> tuple[CoverageGroup, ...]:
        return tuple(group for group in self.groups if group.gaps)


@dataclasses.dataclass(frozen=True)
class Coverage:
    tasks: list[tuple[int, str]]
    """Each task counted and its label: the title, numbered when two tasks share one."""
    frameworks: list[FrameworkCoverage]

    @property
    def not_covered(self) -> int:
        return sum(framework.not_covered for framework in self.frameworks)


def group_rows(rows: Iterable[CoverageRow], heads: Mapping[int, Head]) -> tuple[CoverageGroup, ...]:
    """One framework's rows in groups: the top level first (a group per kind of item, in the
    order the kinds first appear), then a group per head in ``heads``' order (the framework's).

    A row keeps its place in its group. A row under a head not in ``heads`` stays at the top
    level, so no row is ever dropped.
    """
    top: dict[str | None, list[CoverageRow]] = {}
    under: dict[int, list[CoverageRow]] = {}
    for row in rows:
        if row.under is not None and row.under in heads:
            under.setdefault(row.under, []).append(row)
        else:
            top.setdefault(row.kind, []).append(row)
    return (*(CoverageGroup(None, _top_level(kind), tuple(found)) for kind, found in top.items()),
            *(CoverageGroup(head.code, head.label, tuple(under[head_id]))
              for head_id, head in heads.items() if head_id in under))


def _top_level(kind: str | None) -> Message:
    return Message(N_("Top level: %(kind)s"), kind=kind) if kind else Message(N_("Top level"))
