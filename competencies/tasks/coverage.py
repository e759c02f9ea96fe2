"""Which standards and competencies a course's WBL tasks cover, and which they miss.

The matrix is tasks × items. Its rows are the items the course's tasks are aligned to plus
their siblings (the other items under the same parent): the neighbourhood a teacher is working
in, where a gap is worth seeing. A whole 700-item framework would bury the gaps; only the
aligned items would hide them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.labels import Label, label_columns, readable
from competencies.models import Framework, Item
from competencies.tasks.model import Task, TaskAlignment


@dataclasses.dataclass(frozen=True)
class CoverageRow:
    item_id: int
    code: str | None
    statement: Label
    cells: tuple[str | None, ...]
    """Per task (in :attr:`Coverage.tasks` order): the alignment type, or ``None``."""

    @property
    def covered(self) -> bool:
        return any(self.cells)


@dataclasses.dataclass(frozen=True)
class FrameworkCoverage:
    framework_id: int
    title: str
    attribution: str | None
    rows: list[CoverageRow]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)


@dataclasses.dataclass(frozen=True)
class Coverage:
    tasks: list[tuple[int, str]]
    """Each column's task and its label: the title, numbered when two tasks share one."""
    frameworks: list[FrameworkCoverage]


def course_coverage(session: Session, task_ids: Sequence[int]) -> Coverage:
    """The matrix for these tasks (the ones placed in the course), in three queries."""
    tasks = column_labels(session.execute(
        select(Task.id, Task.title).where(Task.id.in_(task_ids)).order_by(Task.title, Task.id)))
    column = {task_id: n for n, (task_id, _) in enumerate(tasks)}
    aligned = session.execute(
        select(TaskAlignment.task_id, TaskAlignment.alignment_type, Item.id, Item.parent_id,
               Item.framework_id)
        .join(Item, TaskAlignment.item_id == Item.id)
        .where(TaskAlignment.task_id.in_(column))
    ).all()
    if not aligned:
        return Coverage(tasks=tasks, frameworks=[])
    cells: dict[int, list[str | None]] = {}
    parents: set[int] = set()
    roots: set[int] = set()
    for task_id, how, item_id, parent_id, framework_id in aligned:
        cells.setdefault(item_id, [None] * len(tasks))[column[task_id]] = how
        if parent_id is None:
            roots.add(framework_id)
        else:
            parents.add(parent_id)
    neighbourhood = select(Item.id, Item.framework_id, Item.human_coding_scheme,
                           Item.full_statement, *label_columns()).where(
        Item.retired.is_(False),
        (Item.parent_id.in_(parents)) | (Item.id.in_(cells))
        | (Item.parent_id.is_(None) & Item.framework_id.in_(roots)),
    ).order_by(Item.framework_id, Item.path, Item.sequence, Item.human_coding_scheme)
    rows: dict[int, list[CoverageRow]] = {}
    for item_id, framework_id, *item in session.execute(neighbourhood):
        row_cells = tuple(cells.get(item_id, [None] * len(tasks)))
        rows.setdefault(framework_id, []).append(CoverageRow(item_id, *readable(*item), row_cells))
    frameworks = session.execute(select(Framework.id, Framework.title, Framework.attribution)
                                 .where(Framework.id.in_(rows)).order_by(Framework.title)).all()
    return Coverage(tasks=tasks, frameworks=[
        FrameworkCoverage(fid, title, attribution, rows[fid]) for fid, title, attribution in frameworks])


def column_labels(tasks: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Tasks with a label each column can be told apart by: a title two tasks share gets
    "(1)", "(2)"… in the tasks' order (a copy adapted for the course keeps its source's title
    when the course is copied to a new term)."""
    tasks = list(tasks)
    counts = Counter(title.strip().casefold() for _, title in tasks)
    seen: Counter[str] = Counter()
    labelled = []
    for task_id, title in tasks:
        key = title.strip().casefold()
        seen[key] += 1
        labelled.append((task_id, f"{title} ({seen[key]})" if counts[key] > 1 else title))
    return labelled
