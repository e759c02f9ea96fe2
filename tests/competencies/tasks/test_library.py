"""The library through a course's eyes: scopes, ownership, copying, alignments, rubrics."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies import builtin
from competencies.importing import import_package
from competencies.models import Item
from competencies.scoring import ratings
from competencies.scoring.model import ScoringPolicy
from competencies.scoring.ratings import ScoringError
from competencies.tasks import library, starters
from competencies.tasks.draft import TaskError
from competencies.tasks.library import CourseContext, TaskNotFound, TaskReadOnly
from competencies.tasks.model import Task
from competencies.tasks.rubric import Criterion, Level, Rubric
from competencies.tasks.vocabulary import AlignmentType, LibraryScope
from competencies.work.file_policy import FileGroup
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import course, deployment, draft, tenant

District = tuple[CourseContext, CourseContext, CourseContext]
"""Two courses of one deployment, and a third in another deployment of the same tenant."""


@pytest.fixture
def district(db: Session) -> District:
    registration = tenant(db)
    place = deployment(db, registration)
    return course(db, place), course(db, place), course(db, deployment(db, registration))


@pytest.fixture
def standards(db: Session) -> list[Item]:
    framework_id = store(db, tree_package("hs", "Health Science", [
        ("HS.1", "Communicate with patients", [("HS.1.a", "Explain a procedure", [])]),
        ("HS.2", "Follow infection control", []),
    ]))
    return list(db.scalars(select(Item).where(Item.framework_id == framework_id)
                           .order_by(Item.human_coding_scheme)))


def test_a_new_task_is_stored_sanitised_and_owned_by_its_course(
        db: Session, district: District) -> None:
    mine = district[0]
    task = library.create_task(db, mine, draft(description='<p onmouseover="x()">Hi<script>'
                                                           'alert(1)</script></p>'))
    assert task.description_html == "<p>Hi</p>"
    assert (task.course_id, task.deployment_id, task.registration_id) == (
        mine.course_id, mine.deployment_id, mine.registration_id)
    assert "job shadow at a clinic" in task.search_text and "patient care" in task.search_text


@pytest.mark.parametrize(("scope", "seen_by_neighbour", "seen_elsewhere_in_tenant"), [
    (LibraryScope.COURSE, False, False),
    (LibraryScope.DEPLOYMENT, True, False),
    (LibraryScope.SHARED, True, True),
])
def test_scope_decides_which_courses_see_a_task(
        db: Session, district: District, scope: LibraryScope, seen_by_neighbour: bool,
        seen_elsewhere_in_tenant: bool) -> None:
    mine, neighbour, elsewhere = district
    task = library.create_task(db, mine, draft(scope=scope))
    for context, expected in ((neighbour, seen_by_neighbour),
                              (elsewhere, seen_elsewhere_in_tenant)):
        if expected:
            assert library.get_visible(db, context, task.id).id == task.id
        else:
            with pytest.raises(TaskNotFound):
                library.get_visible(db, context, task.id)


def test_a_shared_task_never_crosses_into_another_tenant(db: Session, district: District) -> None:
    task = library.create_task(db, district[0], draft(scope=LibraryScope.SHARED))
    stranger = course(db, deployment(db, tenant(db)))
    with pytest.raises(TaskNotFound):
        library.get_visible(db, stranger, task.id)


def test_only_the_owning_course_edits_others_copy(db: Session, district: District) -> None:
    mine, neighbour, _ = district
    task = library.create_task(db, mine, draft(scope=LibraryScope.DEPLOYMENT))
    with pytest.raises(TaskReadOnly):
        library.update_task(db, neighbour, task.id, draft(title="Hijacked"))
    db.refresh(task)
    assert task.title == "Job shadow at a clinic" and task.revision == 1
    copy = library.copy_task(db, neighbour, task.id, title="Job shadow at a clinic (copy)")
    assert copy.course_id == neighbour.course_id and copy.scope == LibraryScope.COURSE.value
    assert copy.copied_from_id == task.id
    assert copy.title == "Job shadow at a clinic (copy)", "a copy to adapt is titled as a copy"
    term_copy = library.copy_task(db, neighbour, task.id)
    assert term_copy.title == "Job shadow at a clinic", "a course copy keeps the title"
    assert library.update_task(db, neighbour, copy.id, draft(title="Adapted")).title == "Adapted"


def test_a_copy_has_its_own_rubric_and_alignments(db: Session, district: District,
        standards: list[Item]) -> None:
    mine, neighbour, _ = district
    task = library.create_task(db, mine, draft(scope=LibraryScope.DEPLOYMENT))
    library.align(db, mine, task.id, standards[0].id, AlignmentType.ASSESSES, 2.0)
    library.set_rubric(db, mine, task.id, _rubric(standards[0].identifier))
    copy = library.copy_task(db, neighbour, task.id)
    assert copy.rubric_id != task.rubric_id
    assert library.rubric_of(copy) == library.rubric_of(task)
    assert [(a.item_id, a.alignment_type, a.weight) for a in copy.alignments] == [
        (standards[0].id, "assesses", 2.0)]
    library.set_rubric(db, neighbour, copy.id, _rubric(standards[1].identifier, title="Mine"))
    db.refresh(task)
    assert library.rubric_of(task).title == "Shadow"  # type: ignore[union-attr]


def test_aligning_again_changes_type_and_weight_not_the_count(db: Session, district: District,
        standards: list[Item]) -> None:
    mine = district[0]
    task = library.create_task(db, mine, draft())
    library.align(db, mine, task.id, standards[0].id, AlignmentType.INTRODUCES)
    library.align(db, mine, task.id, standards[0].id, AlignmentType.TEACHES, 3.0)
    assert [(a.alignment_type, a.weight) for a in task.alignments] == [("teaches", 3.0)]
    library.unalign(db, mine, task.id, task.alignments[0].id)
    assert task.alignments == []


@pytest.mark.parametrize("weight", [0.0, -1.0, float("nan"), 1e6])
def test_an_alignment_weight_out_of_range_changes_nothing(
        db: Session, district: District, standards: list[Item], weight: float) -> None:
    mine = district[0]
    task = library.create_task(db, mine, draft())
    with pytest.raises(TaskError, match="weight"):
        library.align(db, mine, task.id, standards[0].id, AlignmentType.TEACHES, weight)
    assert task.alignments == [] and task.revision == 1


def test_a_rubric_naming_an_unimported_competency_changes_nothing(
        db: Session, district: District) -> None:
    mine = district[0]
    task = library.create_task(db, mine, draft())
    with pytest.raises(TaskError, match="not imported: nowhere"):
        library.set_rubric(db, mine, task.id, _rubric("nowhere"))
    assert task.rubric_id is None and task.revision == 1


def test_an_unsound_rubric_is_refused_with_its_reason(db: Session, district: District) -> None:
    mine = district[0]
    task = library.create_task(db, mine, draft())
    with pytest.raises(TaskError, match="at least two levels"):
        library.set_rubric(db, mine, task.id, Rubric("R", (Criterion("A", (Level("x", 1),)),)))


def test_a_starter_rubric_is_copied_and_aligned_to_imported_competencies(
        db: Session, district: District) -> None:
    import_package(db, builtin.load("employability-skills"))
    mine = district[0]
    task = library.create_task(db, mine, draft())
    library.use_starter_rubric(db, mine, task.id, "employability-skills")
    again = library.create_task(db, mine, draft())
    library.use_starter_rubric(db, mine, again.id, "employability-skills")
    assert task.rubric_id != again.rubric_id
    rubric = library.rubric_of(task)
    assert rubric == starters.load("employability-skills")
    assert task.rubric is not None
    codes = {i.human_coding_scheme for c in task.rubric.criteria for i in c.items}
    assert codes == {"ESF.WS.3", "ESF.ER.1", "ESF.ER.2", "ESF.AK.2", "ESF.WS.5"}


def test_every_starter_rubric_loads_and_is_sound() -> None:
    assert "employability-skills" in starters.names()
    for name in starters.names():
        rubric = starters.load(name)
        assert rubric.problems() == [] and rubric.maximum > 0


def test_a_task_id_from_another_tenant_reveals_nothing(db: Session, district: District) -> None:
    task = library.create_task(db, district[0], draft())
    stranger = course(db, deployment(db, tenant(db)))
    for attempt in (lambda: library.copy_task(db, stranger, task.id),
                    lambda: library.update_task(db, stranger, task.id, draft(title="x")),
                    lambda: library.use_starter_rubric(db, stranger, task.id,
                                                       "employability-skills")):
        with pytest.raises(TaskNotFound, match="no such task"):
            attempt()
    assert db.scalar(select(func.count()).select_from(Task)
                     .where(Task.course_id == stranger.course_id)) == 0


def _rubric(identifier: str, title: str = "Shadow") -> Rubric:
    levels = (Level("Not yet", 0, "Missing"), Level("Meets", 2, "Clear"), Level("Exceeds", 3))
    return Rubric(title, (Criterion("Communication", levels, "Talks to patients", 2.0,
                                    (identifier,)),
                          Criterion("Safety", levels)))


def test_a_copy_accepts_the_files_its_source_accepts(db: Session, district: District) -> None:
    mine, neighbour, _ = district
    task = library.create_task(db, mine, draft(scope=LibraryScope.DEPLOYMENT,
                                               file_groups=frozenset({FileGroup.AUDIO}),
                                               file_max_bytes=1_000_000))
    copy = library.copy_task(db, neighbour, task.id)
    assert (copy.file_groups, copy.file_max_bytes) == (["audio"], 1_000_000)
    library.update_task(db, neighbour, copy.id, draft(file_groups=frozenset(FileGroup)))
    db.refresh(task)
    assert task.file_groups == ["audio"], "the source is not the copy"


def test_a_new_task_accepts_every_kind_of_file_as_before(db: Session, district: District) -> None:
    task = library.create_task(db, district[0], draft())
    assert task.file_groups == ["images", "pdf", "office", "video", "audio"]
    assert task.file_max_bytes is None


def _policy(db: Session, task_id: int) -> tuple[bool, bool]:
    policy = ratings.policy_for(db, task_id)
    return policy.accept_employer_ratings, policy.comment_required_for_lowest


@pytest.mark.parametrize("copy_of", [
    lambda db, here, task_id: library.copy_task(db, here, task_id, title="Mine (copy)"),
    lambda db, here, task_id: library.copy_task(db, here, task_id),
    library.task_to_place,
], ids=["copy to adapt", "course copy", "shared task placed"])
def test_a_copy_keeps_the_scoring_policy_until_its_own_teacher_changes_it(
        db: Session, district: District, copy_of: Any) -> None:
    mine, neighbour, _ = district
    task = library.create_task(db, mine, draft(scope=LibraryScope.DEPLOYMENT,
                                               employer_scored=True))
    ratings.set_policy(db, mine, task.id, accept_employer_ratings=True,
                       comment_required_for_lowest=True)
    copy = copy_of(db, neighbour, task.id)
    assert copy.id != task.id and _policy(db, copy.id) == (True, True)
    with pytest.raises(ScoringError, match="shared with other courses"):
        ratings.set_policy(db, neighbour, task.id, accept_employer_ratings=False,
                           comment_required_for_lowest=False)
    ratings.set_policy(db, neighbour, copy.id, accept_employer_ratings=False,
                       comment_required_for_lowest=True)
    assert _policy(db, copy.id) == (False, True)
    assert _policy(db, task.id) == (True, True), "the original keeps its own policy"


def test_a_task_with_no_policy_is_copied_with_none(db: Session, district: District) -> None:
    mine, neighbour, _ = district
    task = library.create_task(db, mine, draft(scope=LibraryScope.DEPLOYMENT))
    copy = library.copy_task(db, neighbour, task.id)
    assert db.get(ScoringPolicy, copy.id) is None and _policy(db, copy.id) == (False, False)
