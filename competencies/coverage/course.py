"""Which standards and competencies a course's WBL tasks cover, and which they miss.

The rows are the items the course's tasks are aligned to plus the items beside them: the other
items under the same parent, the neighbourhood a teacher is working in, where a gap is worth
seeing. A whole 700-item framework would bury the gaps; only the aligned items would hide them.
"Under the same parent" is the tree's parent; an item at the top of the tree that is part of
another (CASE ``isPartOf``: an O*NET task statement and its occupation) sits under that one, so
a nurse's task statement is beside the nurse's other tasks, not beside every task of every
occupation in a flat framework. The rest of a framework's top level is grouped by kind of item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from competencies.coverage.matrix import Coverage, CoverageRow, FrameworkCoverage, Head, group_rows
from competencies.labels import label_columns, readable
from competencies.models import Association, Framework, Item
from competencies.package import AssociationType
from competencies.tasks.model import Task, TaskAlignment

_part_of = aliased(Association, name="part_of")
_IS_PART_OF = and_(_part_of.origin_item_id == Item.id,
                   _part_of.association_type == AssociationType.IS_PART_OF.value,
                   _part_of.destination_item_id.is_not(None),
                   _part_of.destination_framework.is_(None))
"""What a top-level item is part of, in its own framework (an outer join: most are part of none)."""
_UNDER = func.coalesce(Item.parent_id, _part_of.destination_item_id)
"""The item a row is grouped under: its parent, else what it is part of."""
_KIND = func.coalesce(Item.item_type, "")
"""The item's type, '' for none, so a top level without types is still one group."""


def course_coverage(session: Session, task_ids: Sequence[int]) -> Coverage:
    """The coverage of these tasks (the ones placed in the course), in five queries."""
    tasks = column_labels(session.execute(
        select(Task.id, Task.title).where(Task.id.in_(task_ids)).order_by(Task.title, Task.id)))
    column = {task_id: n for n, (task_id, _) in enumerate(tasks)}
    aligned = session.execute(
        select(TaskAlignment.task_id, TaskAlignment.alignment_type, Item.id, Item.framework_id,
               _UNDER, _KIND)
        .join(Item, TaskAlignment.item_id == Item.id)
        .outerjoin(_part_of, _IS_PART_OF)
        .where(TaskAlignment.task_id.in_(column))
    ).all()
    if not aligned:
        return Coverage(tasks=tasks, frameworks=[])
    cells: dict[int, list[str | None]] = {}
    heads: set[int] = set()
    top_kinds: set[tuple[int, str]] = set()
    for task_id, how, item_id, framework_id, under, kind in aligned:
        cells.setdefault(item_id, [None] * len(tasks))[column[task_id]] = how
        if under is None:
            top_kinds.add((framework_id, kind))
        else:
            heads.add(under)
    neighbourhood = (
        select(Item.id, Item.framework_id, _UNDER, Item.item_type,
               Item.human_coding_scheme, Item.full_statement, *label_columns())
        .outerjoin(_part_of, _IS_PART_OF)
        .where(Item.retired.is_(False), or_(
            Item.id.in_(cells),
            Item.parent_id.in_(heads),
            and_(Item.parent_id.is_(None), _part_of.destination_item_id.in_(heads)),
            and_(Item.parent_id.is_(None), _part_of.id.is_(None),
                 tuple_(Item.framework_id, _KIND).in_(top_kinds)),
        ))
        .order_by(Item.framework_id, Item.path, Item.sequence, Item.human_coding_scheme, Item.id)
    )
    rows: dict[int, dict[int, CoverageRow]] = {}
    for item_id, framework_id, under, kind, *item in session.execute(neighbourhood):
        # An item part of two others comes twice: it is shown once, under the first.
        rows.setdefault(framework_id, {}).setdefault(item_id, CoverageRow(
            item_id, *readable(*item), tuple(cells.get(item_id, [None] * len(tasks))),
            under=under, kind=kind))
    head_rows = session.execute(
        select(Item.id, Item.human_coding_scheme, Item.full_statement, *label_columns())
        .where(Item.id.in_(heads))
        .order_by(Item.framework_id, Item.path, Item.sequence, Item.human_coding_scheme, Item.id))
    found_heads = {item_id: Head(item_id, *readable(*item)) for item_id, *item in head_rows}
    frameworks = session.execute(select(Framework.id, Framework.title, Framework.attribution)
                                 .where(Framework.id.in_(rows)).order_by(Framework.title)).all()
    return Coverage(tasks=tasks, frameworks=[
        FrameworkCoverage(fid, title, attribution,
                          group_rows(rows[fid].values(), found_heads))
        for fid, title, attribution in frameworks])


def column_labels(tasks: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Tasks with a label each can be told apart by: a title two tasks share gets "(1)",
    "(2)"… in the tasks' order (a copy adapted for the course keeps its source's title when the
    course is copied to a new term)."""
    tasks = list(tasks)
    counts = Counter(title.strip().casefold() for _, title in tasks)
    seen: Counter[str] = Counter()
    labelled = []
    for task_id, title in tasks:
        key = title.strip().casefold()
        seen[key] += 1
        labelled.append((task_id, f"{title} ({seen[key]})" if counts[key] > 1 else title))
    return labelled
