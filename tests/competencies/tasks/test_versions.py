"""Students' work is scored against the task as it was when they started."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.tasks import library, versions
from competencies.tasks.draft import MEGABYTE
from competencies.tasks.model import TaskVersion
from competencies.tasks.rubric import Criterion, Level, Rubric
from competencies.tasks.vocabulary import AlignmentType, AskedArtifact
from competencies.work.file_policy import FileGroup
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import course, deployment, draft, tenant

LEVELS = (Level("Beginning", 1), Level("Proficient", 3), Level("Advanced", 4))


def _setup(db: Session):  # type: ignore[no-untyped-def]
    mine = course(db, deployment(db, tenant(db)))
    framework_id = store(db, tree_package("v", "V", [("V.1", "Greets patients", []),
                                                     ("V.2", "Washes hands", [])]))
    items = list(db.scalars(select(Item).where(Item.framework_id == framework_id)
                            .order_by(Item.human_coding_scheme)))
    task = library.create_task(db, mine, draft())
    library.align(db, mine, task.id, items[0].id, AlignmentType.ASSESSES)
    library.set_rubric(db, mine, task.id, Rubric("Shadow", (
        Criterion("Greeting", LEVELS, item_identifiers=(items[0].identifier,)),)))
    return mine, task, items


def test_first_use_freezes_and_later_uses_get_the_same_version(db: Session) -> None:
    _, task, _ = _setup(db)
    first = versions.freeze(db, task)
    assert first.number == 1 and first.max_score == 4.0
    assert versions.freeze(db, task).id == first.id


def test_a_version_records_the_kinds_of_artifact_the_task_asks_for(db: Session) -> None:
    _, task, _ = _setup(db)
    frozen = versions.freeze(db, task)
    assert frozen.snapshot["asked_artifacts"] == ["reflection", "hours_log"]
    assert "evidence" not in frozen.snapshot
    assert versions.asked_artifacts_of(frozen) == [AskedArtifact.REFLECTION,
                                                   AskedArtifact.HOURS_LOG]


def test_a_version_frozen_before_the_rename_is_read_under_its_old_key(db: Session) -> None:
    """Snapshots stored before 0023 say "evidence"; they are never rewritten."""
    _, task, _ = _setup(db)
    old = TaskVersion(task_id=task.id, number=1, task_revision=task.revision, snapshot={
        "title": task.title, "evidence": ["links", "telepathy", "supervisor_sign_off"],
        "rubric": None, "alignments": []})
    db.add(old)
    db.flush()
    db.expire(old)
    # A kind this code no longer knows is left out rather than breaking the student's page.
    assert versions.asked_artifacts_of(old) == [AskedArtifact.LINKS,
                                                AskedArtifact.SUPERVISOR_SIGN_OFF]


def test_editing_a_frozen_task_leaves_the_frozen_version_unchanged(db: Session) -> None:
    mine, task, items = _setup(db)
    frozen = versions.freeze(db, task)
    before = dict(frozen.snapshot)
    library.update_task(db, mine, task.id, draft(title="Renamed", description="<p>New</p>"))
    library.set_rubric(db, mine, task.id, Rubric("Shadow v2", (
        Criterion("Greeting", LEVELS, weight=5.0), Criterion("Hygiene", LEVELS))))
    library.align(db, mine, task.id, items[1].id, AlignmentType.TEACHES)
    db.expire_all()
    assert db.get(type(frozen), frozen.id).snapshot == before  # type: ignore[union-attr]
    rubric = versions.rubric_of(frozen)
    assert rubric is not None and [c.name for c in rubric.criteria] == ["Greeting"]
    assert rubric.score({"Greeting": "Advanced"}).maximum == 4.0
    assert versions.has_unfrozen_changes(db, task)
    second = versions.freeze(db, task)
    assert second.number == 2 and second.snapshot["title"] == "Renamed"
    assert [a["code"] for a in second.snapshot["alignments"]] == ["V.1", "V.2"]
    assert second.max_score == 5 * 4 + 4


def test_a_task_never_used_is_not_in_use(db: Session) -> None:
    _, task, _ = _setup(db)
    assert not versions.is_in_use(db, task)
    versions.freeze(db, task)
    assert versions.is_in_use(db, task) and not versions.has_unfrozen_changes(db, task)



def test_a_freeze_racing_another_first_use_gets_the_version_that_won(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another request froze the task between our look for a version and our insert."""
    _, task, _ = _setup(db)
    won = versions.freeze(db, task)
    db.commit()
    real = versions.latest_version
    looks = iter([None])  # our first look comes before the other request's commit
    monkeypatch.setattr(versions, "latest_version",
                        lambda session, task: next(looks, None) or real(session, task))
    assert versions.freeze(db, task).id == won.id
    assert db.scalar(select(func.count()).where(TaskVersion.task_id == task.id)) == 1


def test_a_frozen_version_keeps_the_files_the_task_accepted(db: Session) -> None:
    """The teacher narrows the task after students started: their version accepts as before."""
    mine, task, _ = _setup(db)
    library.update_task(db, mine, task.id, draft(file_groups=frozenset({FileGroup.PDF}),
                                                 file_max_bytes=5 * MEGABYTE))
    frozen = versions.freeze(db, task)
    library.update_task(db, mine, task.id, draft(file_groups=frozenset({FileGroup.VIDEO})))
    db.expire_all()
    kept = versions.file_policy_of(db.get(TaskVersion, frozen.id))  # type: ignore[arg-type]
    assert kept.groups == {FileGroup.PDF} and kept.max_bytes == 5 * MEGABYTE
    assert versions.file_policy_of(versions.freeze(db, task)).groups == {FileGroup.VIDEO}
