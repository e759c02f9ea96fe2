"""A task as people read it: labels for its stored values, and its alignments by framework."""

from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.labels import Label, label_columns, readable
from competencies.models import Framework, Item
from competencies.tasks.library import rubric_of
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.rubric import Rubric
from competencies.tasks.vocabulary import (
    AlignmentType,
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)
from lti_tool.i18n import SUPPORTED, page_language, translate


@dataclasses.dataclass(frozen=True)
class AlignedItem:
    code: str | None
    statement: Label
    how: str


@dataclasses.dataclass(frozen=True)
class FrameworkAlignments:
    """The items of one framework a task is aligned to (academic standards, O*NET skills…)."""

    title: str
    attribution: str | None
    """Credit that must travel with the data (O*NET's CC BY line, for example)."""
    items: list[AlignedItem]


@dataclasses.dataclass(frozen=True)
class TaskView:
    task: Task
    stage: str
    experience: str
    asked_artifacts: list[str]
    """The labels of the kinds of artifact the task asks for, in its order."""
    alignments: list[FrameworkAlignments]
    rubric: Rubric | None = None
    """What the work is scored against, shown the same wherever the task is shown."""


def task_view(session: Session, task: Task) -> TaskView:
    rows = session.execute(
        select(Framework.id, Framework.title, Framework.attribution, TaskAlignment.alignment_type,
               Item.human_coding_scheme, Item.full_statement, *label_columns())
        .join(Item, TaskAlignment.item_id == Item.id)
        .join(Framework, Item.framework_id == Framework.id)
        .where(TaskAlignment.task_id == task.id)
        .order_by(Framework.title, TaskAlignment.position, Item.human_coding_scheme)
    ).all()
    groups: dict[int, FrameworkAlignments] = {}
    for framework_id, title, attribution, how, *item in rows:
        group = groups.setdefault(framework_id, FrameworkAlignments(title, attribution, []))
        group.items.append(AlignedItem(*readable(*item), _label(AlignmentType, how)))
    experience = (task.experience_other if task.experience_type == ExperienceType.OTHER.value
                  and task.experience_other else _label(ExperienceType, task.experience_type))
    return TaskView(
        task=task, stage=_label(ContinuumStage, task.stage), experience=experience or "",
        asked_artifacts=[_label(AskedArtifact, kind) for kind in task.asked_artifacts],
        alignments=list(groups.values()), rubric=rubric_of(task),
    )


def _label(kind: type, value: str) -> str:
    try:
        member = kind(value)
    except ValueError:
        return value
    return translate(str(getattr(member, "label", value)))


def vocabulary_labels() -> dict[str, dict[str, str]]:
    """Each stored vocabulary value with its label in the page's language, for templates."""
    return _labels_in(page_language())


@functools.lru_cache(maxsize=len(SUPPORTED))
def _labels_in(language: str) -> dict[str, dict[str, str]]:
    # Once per language and process: some thirty lookups that every task page and the teacher's
    # landing would otherwise repeat (the catalogues do not change while the process runs).
    # Called only while a request in ``language`` is being answered, so ``translate`` speaks it.
    return {
        "stage_labels": {s.value: translate(s.label) for s in ContinuumStage},
        "experience_labels": {e.value: translate(e.label) for e in ExperienceType},
        "asked_artifact_labels": {a.value: translate(a.label) for a in AskedArtifact},
        "scope_labels": {s.value: translate(s.label) for s in LibraryScope},
        "alignment_labels": {a.value: translate(a.label) for a in AlignmentType},
    }
