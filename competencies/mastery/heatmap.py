"""A course's mastery heatmap: students × the competencies its tasks build, grouped by framework.

Columns are the items the course's tasks are aligned to (directly or through a rubric
criterion), grouped by framework, each tagged with the pathways and stages of the tasks that
build it, so the page can filter by framework, pathway and stage. Cells come from the stored
standings in one query, never from evidence: a 500 × 150 class is 75,000 cells.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from competencies.labels import Label, label_columns, readable
from competencies.mastery.collector import collector_paused
from competencies.models import (
    Framework,
    Item,
    MasteryStanding,
    RubricCriterion,
    criterion_item,
)
from competencies.tasks.model import Task, TaskAlignment

_STANDINGS_OF_COURSE = select(
    MasteryStanding.learner_ref, MasteryStanding.item_id, MasteryStanding.value,
    MasteryStanding.level, MasteryStanding.proficient,
).where(MasteryStanding.course_id == bindparam("course_id"))


@dataclasses.dataclass(frozen=True)
class Column:
    item_id: int
    code: str
    """The code a reader knows ("HSN.Q.1"), or "" where the item has none worth showing."""
    statement: Label
    framework: str
    pathways: frozenset[str]
    stages: frozenset[str]


Cell = tuple[float | None, str | None, bool]
"""A standing's value, level and proficient flag: a plain tuple, since a class has 75,000."""


@dataclasses.dataclass(frozen=True)
class Student:
    ref: str
    name: str


@dataclasses.dataclass
class Heatmap:
    students: list[Student]
    columns: list[Column]
    cells: dict[str, dict[int, Cell]]
    """Per student reference, per item id."""
    every_column: list[Column] = dataclasses.field(default_factory=list)
    """The course's columns before filtering: what the filters offer."""

    def cell(self, ref: str, item_id: int) -> Cell | None:
        return self.cells.get(ref, {}).get(item_id)

    def groups(self) -> list[tuple[str, list[Column]]]:
        grouped: dict[str, list[Column]] = defaultdict(list)
        for column in self.columns:
            grouped[column.framework].append(column)
        return list(grouped.items())

    def proficient_count(self, ref: str) -> int:
        row = self.cells.get(ref, {})
        return sum(1 for c in self.columns if (cell := row.get(c.item_id)) is not None and cell[2])


def course_columns(session: Session, course_id: int) -> list[Column]:
    """Every item the course's tasks build, with the pathways and stages of those tasks."""
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.course_id == course_id))}
    builds: dict[int, list[Task]] = defaultdict(list)
    for task_id, item_id in session.execute(
            select(TaskAlignment.task_id, TaskAlignment.item_id)
            .where(TaskAlignment.task_id.in_(tasks))):
        builds[item_id].append(tasks[task_id])
    for task_id, item_id in session.execute(
            select(Task.id, criterion_item.c.item_id)
            .join(RubricCriterion, RubricCriterion.rubric_id == Task.rubric_id)
            .join(criterion_item, criterion_item.c.criterion_id == RubricCriterion.id)
            .where(Task.course_id == course_id)):
        builds[item_id].append(tasks[task_id])
    # Items with standings but no task left (a task deleted after it was scored) still show.
    builds_ids = set(builds) | set(session.scalars(
        select(MasteryStanding.item_id).where(MasteryStanding.course_id == course_id).distinct()))
    if not builds_ids:
        return []
    rows = session.execute(
        select(Item.id, Framework.title, Item.human_coding_scheme, Item.full_statement,
               *label_columns())
        .join(Framework, Framework.id == Item.framework_id).where(Item.id.in_(builds_ids))
        .order_by(Framework.title, Item.human_coding_scheme, Item.id)).all()
    columns = []
    for item_id, framework, *item in rows:
        # An O*NET task's id ("2878") is a key, not a code: readable() shows its statement.
        code, statement = readable(*item)
        columns.append(Column(item_id, code or "", statement, framework,
                              frozenset(t.pathway for t in builds.get(item_id, ()) if t.pathway),
                              frozenset(t.stage for t in builds.get(item_id, ()))))
    return columns


def course_heatmap(session: Session, course_id: int, students: Sequence[Student], *,
                   framework: str | None = None, pathway: str | None = None,
                   stage: str | None = None, sort: str = "name") -> Heatmap:
    """``sort``: ``name``, ``proficient`` (most competencies proficient first) or
    ``item:<id>`` (highest mastery of that competency first)."""
    every = course_columns(session, course_id)
    columns = [c for c in every
               if (framework is None or c.framework == framework)
               and (pathway is None or pathway in c.pathways)
               and (stage is None or stage in c.stages)]
    cells: dict[str, dict[int, Cell]] = defaultdict(dict)
    # Core rows, not ORM entities: this is the page's one large read. Fetched in one go (a third
    # faster than iterating the result row by row on PostgreSQL) with the collector paused: the
    # 75,000 rows and cells create no reference cycles, and left on it rescans them again and
    # again (bench/mastery_views_bench.py).
    with collector_paused():
        for ref, item, value, level, proficient in session.connection().execute(
                _STANDINGS_OF_COURSE, {"course_id": course_id}).all():
            cells[ref][item] = (value, level, proficient)
    heatmap = Heatmap(list(students), columns, cells, every)
    if sort == "proficient":
        heatmap.students.sort(key=lambda s: (-heatmap.proficient_count(s.ref), s.name))
    elif sort.startswith("item:") and sort[5:].isdigit():
        item = int(sort[5:])

        def mastery(s: Student) -> float:
            cell = cells.get(s.ref, {}).get(item)
            return -(cell[0] if cell is not None and cell[0] is not None else -1.0)

        heatmap.students.sort(key=lambda s: (mastery(s), s.name))
    else:
        heatmap.students.sort(key=lambda s: s.name.lower())
    return heatmap
