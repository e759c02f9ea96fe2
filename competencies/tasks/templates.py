"""Task templates Worklink ships in ``competencies/data/templates/*.json``, for the demo.

Each is a realistic work-based-learning task at one stage of the continuum, aligned to
academic standards and career competencies, with a rubric whose criteria name the items they
assess. A reference to an item is ``{"framework": key, "code": code}``, the key one of
:data:`competencies.samples.FRAMEWORK_KEYS`; an item that is not imported is skipped, as a
starter rubric skips one. A shipped template belongs to no course and no tenant, so every
course sees it and copies it to adapt it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from competencies.models import Framework, Item
from competencies.samples import FRAMEWORK_KEYS
from competencies.tasks import library, stored_rubric
from competencies.tasks.draft import TaskDraft
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.rubric import Rubric
from competencies.tasks.vocabulary import (
    AlignmentType,
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)
from competencies.work.file_policy import FileGroup

Ref = tuple[str, str]
"""(framework identifier, item code)."""


def names() -> list[str]:
    """The shipped templates, by file name without ``.json``."""
    folder = resources.files("competencies") / "data" / "templates"
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.name.endswith(".json"))


def load(name: str) -> dict[str, Any]:
    if name not in names():
        raise LookupError(f"no task template {name!r}; there are: {', '.join(names())}")
    raw = (resources.files("competencies") / "data" / "templates" / f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def install(session: Session) -> list[Task]:
    """Store every shipped template not stored yet (by title); the caller commits."""
    stored = set(session.scalars(select(Task.title).where(
        Task.course_id.is_(None), Task.registration_id.is_(None))))
    wanted = [data for data in map(load, names()) if data["title"] not in stored]
    if not wanted:
        return []
    items = _items(session, {_ref(ref) for data in wanted for ref in _refs(data)})
    return [_store(session, data, items) for data in wanted]


def draft_of(data: Mapping[str, Any]) -> TaskDraft:
    """The task a template file describes, before its alignments and rubric."""
    return TaskDraft(
        title=data["title"], stage=ContinuumStage(data["stage"]),
        experience_type=ExperienceType(data["experience_type"]),
        description=data.get("description", ""), career_cluster=data.get("career_cluster"),
        pathway=data.get("pathway"), expected_hours=data.get("expected_hours"),
        asked_artifacts=tuple(AskedArtifact(kind) for kind in _asked_artifacts(data)),
        employer_scored=bool(data.get("employer_scored")), scope=LibraryScope.SHARED,
        file_groups=(frozenset(FileGroup(g) for g in data["files"]["groups"])
                     if "files" in data else None),
        file_max_bytes=data["files"].get("max_bytes") if "files" in data else None)


def _asked_artifacts(data: Mapping[str, Any]) -> list[str]:
    # The shipped files say "asked_artifacts", as the code does. A template file written before
    # the rename says "evidence" (a district may keep copies of ours to adapt), so that is read
    # too; only "asked_artifacts" is written from now on.
    kinds: list[str] = data.get("asked_artifacts", data.get("evidence", []))
    return kinds


def _store(session: Session, data: Mapping[str, Any], items: Mapping[Ref, Item]) -> Task:
    task = library.create_template(session, draft_of(data))
    for position, alignment in enumerate(a for a in data["alignments"] if _ref(a) in items):
        task.alignments.append(TaskAlignment(
            item_id=items[_ref(alignment)].id, position=position,
            alignment_type=AlignmentType(alignment["type"]).value,
            weight=float(alignment.get("weight", 1.0))))
    rubric = dict(data["rubric"])
    rubric["criteria"] = [
        {**criterion, "items": [items[_ref(ref)].identifier for ref in criterion.get("items", ())
                                if _ref(ref) in items]}
        for criterion in rubric["criteria"]]
    task.rubric = stored_rubric.write(session, Rubric.from_data(rubric))
    session.flush()
    return task


def _refs(data: Mapping[str, Any]) -> Iterable[Mapping[str, str]]:
    yield from data["alignments"]
    for criterion in data["rubric"]["criteria"]:
        yield from criterion.get("items", ())


def _ref(ref: Mapping[str, str]) -> Ref:
    return FRAMEWORK_KEYS[ref["framework"]], ref["code"]


def _items(session: Session, refs: set[Ref]) -> dict[Ref, Item]:
    """The current items the references name, in one query."""
    rows = session.execute(
        select(Framework.identifier, Item)
        .join(Framework, Framework.id == Item.framework_id)
        .where(tuple_(Framework.identifier, Item.human_coding_scheme).in_(list(refs)),
               Item.retired.is_(False))).all()
    return {(framework, item.human_coding_scheme or ""): item for framework, item in rows}
