"""The picker's search over the task library: filters, words, ranked, paged.

Words match the task's ``search_text`` (title, plain description, cluster, pathway,
experience) as case-blind substrings of their stems, every word required: "health" finds
"Healthcare", "nursing" finds "nurse" (Snowball English stems both to "nurs", as PostgreSQL's
and SQLite's full-text search of frameworks do). A word in the title ranks above one
elsewhere, then the asking course's own tasks, then the most recently edited. At library sizes
(thousands of tasks per tenant) a scan of one indexed-filtered table is well inside the
picker's budget on SQLite and PostgreSQL alike (see ``bench/task_library_bench.py``), and it
needs no full-text machinery of its own.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]  # ships no type hints
from sqlalchemy import ColumnElement, case, func, literal, or_, select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.paging import Page, bounds
from competencies.tasks.library import CourseContext, visible_to
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.vocabulary import ContinuumStage, ExperienceType, LibraryScope

__all__ = ["Filters", "TaskHit", "search"]

_WORD = re.compile(r"\w+")
MAX_WORDS = 8
_STEMMER = snowballstemmer.stemmer("english")
_SHORTEST_STEM = 3
"""A stem shorter than this ("us" from "use") would match inside too many unrelated words."""


@dataclasses.dataclass(frozen=True)
class Filters:
    words: str = ""
    item_id: int | None = None
    """Aligned to this standard or competency, or to anything under it in its framework."""
    stage: ContinuumStage | None = None
    experience_type: ExperienceType | None = None
    pathway: str | None = None
    """Case-blind substring of the task's pathway."""
    career_cluster: str | None = None
    scope: LibraryScope | None = None
    task_ids: frozenset[int] | None = None
    """Only these tasks (the picker's ticked ones, drawn again after a refusal)."""


@dataclasses.dataclass(frozen=True)
class TaskHit:
    id: int
    title: str
    stage: str
    experience_type: str
    career_cluster: str | None
    pathway: str | None
    expected_hours: float | None
    scope: str
    own: bool
    """Owned by the asking course (editable there)."""
    shipped: bool = False
    """A template Worklink ships (no course owns it)."""


def search(session: Session, context: CourseContext, filters: Filters = Filters(), *,
           limit: int = 20, offset: int = 0) -> Page[TaskHit]:
    limit, offset = bounds(limit, offset)
    conditions: list[ColumnElement[bool]] = [visible_to(context)]
    rank: ColumnElement[Any] = literal(0)
    terms = [stem(t) for t in _WORD.findall(filters.words)][:MAX_WORDS]
    for term in terms:
        pattern = f"%{_escape_like(term)}%"
        conditions.append(Task.search_text.like(pattern, escape="\\"))
        rank = rank + case((func.lower(Task.title).like(pattern, escape="\\"), 3), else_=1)
    if filters.item_id is not None:
        conditions.append(_aligned_under(session, filters.item_id))
    if filters.stage is not None:
        conditions.append(Task.stage == filters.stage.value)
    if filters.experience_type is not None:
        conditions.append(Task.experience_type == filters.experience_type.value)
    if filters.scope is not None:
        conditions.append(Task.scope == filters.scope.value)
    if filters.task_ids is not None:
        conditions.append(Task.id.in_(filters.task_ids))
    for column, wanted in ((Task.pathway, filters.pathway),
                           (Task.career_cluster, filters.career_cluster)):
        if wanted and wanted.strip():
            conditions.append(func.lower(column).like(
                f"%{_escape_like(wanted.strip().casefold())}%", escape="\\"))
    own = Task.course_id == context.course_id
    rows = session.execute(
        select(Task.id, Task.title, Task.stage, Task.experience_type, Task.career_cluster,
               Task.pathway, Task.expected_hours, Task.scope, own, Task.course_id.is_(None))
        .where(*conditions)
        .order_by(rank.desc(), case((own, 0), else_=1), Task.updated_at.desc(), Task.id.desc())
        .limit(limit + 1).offset(offset)
    ).all()
    return Page.of([TaskHit(*row[:8], own=bool(row[8]), shipped=bool(row[9])) for row in rows],
                   offset, limit)


def stem(word: str) -> str:
    """The part of ``word`` its other forms share, lower-cased: "nursing" → "nurs"."""
    word = word.casefold()
    # Snowball turns a final y into i ("study", "studies" → "studi"); the part before it is
    # what every form spells the same.
    stemmed: str = _STEMMER.stemWord(word).removesuffix("i")
    # It may rewrite other endings too: keep only what the word itself starts with, so the
    # stem stays a substring of the text it came from.
    shared = len(stemmed)
    while not word.startswith(stemmed[:shared]):
        shared -= 1
    return word[:shared] if shared >= _SHORTEST_STEM else word


def _aligned_under(session: Session, item_id: int) -> ColumnElement[bool]:
    item = session.get(Item, item_id)
    if item is None:
        return literal(False)
    # Uncorrelated, so the planner builds the set of task ids once (a hash semi-join) instead
    # of probing the alignments for every visible task.
    aligned = (select(TaskAlignment.task_id)
               .join(Item, Item.id == TaskAlignment.item_id)
               .where(Item.framework_id == item.framework_id,
                      or_(Item.id == item_id,
                          Item.path.like(f"{_escape_like(item.subtree_prefix)}%", escape="\\"))))
    return Task.id.in_(aligned)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
