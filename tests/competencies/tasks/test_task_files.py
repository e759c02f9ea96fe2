"""Which files a task accepts: chosen on the task's form, stored, frozen, and read back."""

from __future__ import annotations

import pytest

from competencies.tasks.draft import MEGABYTE, InvalidTask, parse_draft
from competencies.work.file_policy import DEFAULT, FileGroup, from_task_files, task_files

FORM = {"title": "Site photos", "stage": "exploration", "experience_type": "job_shadow",
        "files_offered": "1"}


def test_the_ticked_groups_and_a_lower_limit_become_the_draft() -> None:
    draft = parse_draft({**FORM, "max_file_mb": "25"}, ["files"], file_groups=["pdf", "images"])
    assert draft.file_groups == {FileGroup.IMAGES, FileGroup.PDF}
    assert draft.file_max_bytes == 25 * MEGABYTE


def test_a_form_without_the_choice_leaves_the_task_as_it_was() -> None:
    """An older page (or a script) posts no ``files_offered``: nothing narrows the task."""
    form = {k: v for k, v in FORM.items() if k != "files_offered"}
    draft = parse_draft({**form, "max_file_mb": "5"}, ["files"], file_groups=[])
    assert draft.file_groups is None and draft.file_max_bytes is None


def test_asking_for_files_while_accepting_none_is_refused() -> None:
    with pytest.raises(InvalidTask, match="at least one kind of file"):
        parse_draft(FORM, ["files"], file_groups=[])


def test_a_task_that_asks_for_no_files_may_accept_none() -> None:
    assert parse_draft(FORM, ["reflection"], file_groups=[]).file_groups == frozenset()


@pytest.mark.parametrize("raw", ["0", "-3", "301", "nan", "inf", "lots"])
def test_a_limit_outside_the_instances_is_refused(raw: str) -> None:
    with pytest.raises(InvalidTask, match="size limit per file") as caught:
        parse_draft({**FORM, "max_file_mb": raw}, ["files"], file_groups=["pdf"],
                    file_limit=300 * MEGABYTE)
    assert len(caught.value.problems) == 1


def test_an_unknown_group_is_named() -> None:
    with pytest.raises(InvalidTask, match="“svg” is not a kind of file"):
        parse_draft(FORM, ["files"], file_groups=["pdf", "svg"])


def test_a_stored_choice_reads_back_as_the_same_policy() -> None:
    policy = from_task_files(task_files([FileGroup.PDF, FileGroup.AUDIO], 10 * MEGABYTE))
    assert policy.groups == {FileGroup.PDF, FileGroup.AUDIO}
    assert policy.max_bytes == 10 * MEGABYTE and policy.max_files == DEFAULT.max_files
    assert policy.accept().split(",")[:2] == [".pdf", "audio/*"]
    assert "image/*" not in policy.accept() and ".mp4" not in policy.accept()


def test_a_version_frozen_before_tasks_chose_accepts_what_every_task_did() -> None:
    assert from_task_files(None) == DEFAULT
    assert from_task_files(task_files(FileGroup, None)) == DEFAULT


def test_the_task_policy_excludes_a_type_before_the_bytes_and_after_sniffing() -> None:
    policy = from_task_files(task_files([FileGroup.PDF], None))
    before = policy.check_declared("clip.mp4", "video/mp4", 1000, 0)
    after = policy.check_content("clip.pdf", "application/pdf", "video/mp4")
    assert before is not None and before.code == "type_not_allowed"
    assert after is not None and after.code == "content_not_allowed"
    assert policy.check_declared("log.pdf", "application/pdf", 1000, 0) is None


def test_an_instance_limit_narrows_a_task_and_never_widens_it() -> None:
    task = from_task_files(task_files([FileGroup.PDF], 50 * MEGABYTE))
    assert task.within(10 * MEGABYTE, 5).max_bytes == 10 * MEGABYTE
    assert task.within(500 * MEGABYTE, 50) == task
