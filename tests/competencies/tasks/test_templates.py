"""The task templates the demo ships: realistic, aligned to standards and competencies, scored by
a rubric, seen by every course, and installed once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies import builtin, samples
from competencies.importing import import_package
from competencies.models import Framework, Item, Rubric
from competencies.tasks import library, templates
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.search import Filters, search
from competencies.tasks.vocabulary import AskedArtifact, ContinuumStage
from tests.competencies.tasks.task_factories import course, deployment, tenant


def _demo_content(db: Session) -> list[Task]:
    for name in builtin.names():
        import_package(db, builtin.load(name), allow_removals=True)
    samples.import_samples(db)
    return templates.install(db)


def test_six_templates_span_the_continuum_and_the_clusters(db: Session) -> None:
    installed = _demo_content(db)
    assert len(installed) == len(templates.names()) == 6
    assert {t.stage for t in installed} == {stage.value for stage in ContinuumStage}
    assert len({t.career_cluster for t in installed}) >= 5


def test_every_template_is_aligned_to_a_standard_and_a_competency_and_has_a_rubric(db: Session) -> None:
    installed = _demo_content(db)
    ccss, onet = samples.CCSS_MATH, samples.FRAMEWORK_KEYS["onet"]
    esf = samples.FRAMEWORK_KEYS["employability-skills"]
    for task in installed:
        frameworks = set(db.scalars(
            select(Framework.identifier).join(Item, Item.framework_id == Framework.id)
            .join(TaskAlignment, TaskAlignment.item_id == Item.id)
            .where(TaskAlignment.task_id == task.id)))
        assert {ccss, onet, esf} <= frameworks, task.title
        rubric = library.rubric_of(task)
        assert rubric is not None and len(rubric.criteria) >= 3, task.title
        # Every criterion names at least one imported item it assesses.
        assert all(c.item_identifiers for c in rubric.criteria), task.title


def test_installing_again_adds_nothing(db: Session) -> None:
    _demo_content(db)
    counts = [db.scalar(select(func.count()).select_from(model))
              for model in (Task, TaskAlignment, Rubric, Item, Framework)]
    assert _demo_content(db) == []
    assert [db.scalar(select(func.count()).select_from(model))
            for model in (Task, TaskAlignment, Rubric, Item, Framework)] == counts


def test_any_course_finds_the_templates_and_copies_one_to_adapt(db: Session) -> None:
    installed = _demo_content(db)
    context = course(db, deployment(db, tenant(db)))
    found = search(db, context, Filters(words="nurse"))
    assert [hit.title for hit in found.entries] == [
        "Guest speaker: a day in the life of a registered nurse"]
    assert not found.entries[0].own
    template = next(t for t in installed if t.title == found.entries[0].title)
    copy = library.copy_task(db, context, template.id, title=template.title + " (copy)")
    assert library.can_edit(context, copy) and not library.can_edit(context, template)
    assert len(copy.alignments) == len(template.alignments)


def test_templates_skip_what_is_not_imported(db: Session) -> None:
    """Without the samples, a template keeps its built-in alignments and its rubric."""
    for name in builtin.names():
        import_package(db, builtin.load(name), allow_removals=True)
    installed = templates.install(db)
    assert len(installed) == 6
    assert all(task.alignments and task.rubric is not None for task in installed)


def test_a_template_brings_the_files_it_accepts_and_the_others_accept_every_kind(
        db: Session) -> None:
    installed = {task.title: task for task in _demo_content(db)}
    costing = next(t for t in installed.values() if "menu" in t.title.lower())
    assert costing.file_groups == ["images", "pdf", "office", "video"]
    assert all(len(t.file_groups) == 5 for t in installed.values() if t is not costing)


def test_each_template_asks_for_the_artifacts_its_file_names(db: Session) -> None:
    installed = {task.title: task for task in _demo_content(db)}
    for name in templates.names():
        data = templates.load(name)
        assert data["asked_artifacts"] and installed[data["title"]].asked_artifacts == data[
            "asked_artifacts"], name


def test_a_template_file_from_before_the_rename_is_read_under_its_old_key() -> None:
    """A district's copy of a template file, written when the key was "evidence"."""
    data = templates.load("internship-medical-assistant")
    data["evidence"] = data.pop("asked_artifacts")
    assert templates.draft_of(data).asked_artifacts == (
        AskedArtifact.HOURS_LOG, AskedArtifact.REFLECTION, AskedArtifact.SUPERVISOR_SIGN_OFF)
