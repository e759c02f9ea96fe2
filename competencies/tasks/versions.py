"""Freezing a task at first use: what submissions are scored against never moves afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competencies.tasks import stored_rubric
from competencies.tasks.model import Task, TaskVersion
from competencies.tasks.rubric import Rubric
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import file_policy
from competencies.work.file_policy import FileGroup, FilePolicy


def freeze(session: Session, task: Task) -> TaskVersion:
    """The version submissions should point to: the latest one if the task has not changed
    since, else a new version taken now. Flushes; the caller commits."""
    latest = latest_version(session, task)
    if latest is not None and latest.task_revision == task.revision:
        return latest
    snapshot = snapshot_of(task)
    rubric = snapshot["rubric"]
    version = TaskVersion(
        task_id=task.id, number=(latest.number + 1) if latest else 1, task_revision=task.revision,
        snapshot=snapshot, max_score=Rubric.from_data(rubric).maximum if rubric else None,
    )
    try:
        with session.begin_nested():
            session.add(version)
    except IntegrityError:
        # Two first uses at once: the other request froze this revision first; use its version.
        winner = latest_version(session, task)
        if winner is None or winner.task_revision != task.revision:
            raise
        return winner
    session.expire(task, ["versions"])
    return version


def latest_version(session: Session, task: Task) -> TaskVersion | None:
    return session.scalar(select(TaskVersion).where(TaskVersion.task_id == task.id)
                          .order_by(TaskVersion.number.desc()).limit(1))


def is_in_use(session: Session, task: Task) -> bool:
    """True once any version is frozen: students work on it, so edits make a new version."""
    return bool(session.scalar(select(func.count()).where(TaskVersion.task_id == task.id)))


def has_unfrozen_changes(session: Session, task: Task) -> bool:
    latest = latest_version(session, task)
    return latest is not None and latest.task_revision != task.revision


def rubric_of(version: TaskVersion) -> Rubric | None:
    """The frozen rubric, for scoring a submission that points to ``version``."""
    data = version.snapshot.get("rubric")
    return Rubric.from_data(data) if data else None


def file_policy_of(version: TaskVersion) -> FilePolicy:
    """What the frozen task accepts of files and photos (before the instance's limits)."""
    return file_policy.from_task_files(version.snapshot.get("files"))


def asked_artifacts_of(version: TaskVersion) -> list[AskedArtifact]:
    """What the frozen task asks the student to hand in, in the task's order (a kind this code
    no longer knows is left out)."""
    snapshot = version.snapshot
    # Versions frozen before the artifact kinds were renamed hold them under "evidence"; a
    # frozen snapshot is never rewritten, so both keys are read for as long as such rows exist.
    kinds = (snapshot["asked_artifacts"] if "asked_artifacts" in snapshot
             else snapshot.get("evidence"))
    return [AskedArtifact(kind) for kind in kinds or () if kind in _KNOWN]


_KNOWN = frozenset(kind.value for kind in AskedArtifact)


def snapshot_of(task: Task) -> dict[str, Any]:
    return {
        "title": task.title, "description_html": task.description_html, "stage": task.stage,
        "experience_type": task.experience_type, "experience_other": task.experience_other,
        "career_cluster": task.career_cluster, "pathway": task.pathway,
        "expected_hours": task.expected_hours, "asked_artifacts": list(task.asked_artifacts),
        "files": file_policy.task_files((FileGroup(g) for g in task.file_groups),
                                        task.file_max_bytes),
        "opens_at": task.opens_at.isoformat() if task.opens_at else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "employer_scored": task.employer_scored,
        "rubric": stored_rubric.read(task.rubric).as_data() if task.rubric else None,
        "alignments": [
            {"item": a.item.identifier, "code": a.item.human_coding_scheme,
             "statement": a.item.full_statement, "type": a.alignment_type, "weight": a.weight}
            for a in task.alignments
        ],
    }
