"""Task references in custom parameters: a link made by Worklink opens its task; an edited one does not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from lti_tool.lti.custom_params import (
    COURSE,
    SIGNATURE,
    TASK,
    TamperedTaskReference,
    TaskReference,
    read_task_reference,
    sign_task_reference,
)
from lti_tool.signing import Signer

SECRET = "secret-one"


def signed(task_id: int = 42, course: str = "course-7") -> dict[str, str]:
    return sign_task_reference(task_id, course, secret=SECRET)


def test_a_signed_reference_reads_back() -> None:
    custom = signed()
    assert custom[TASK] == "42" and custom[COURSE] == "course-7"
    assert read_task_reference(custom, secret=SECRET) == TaskReference(42, "course-7")


def test_custom_parameters_without_a_task_name_no_task() -> None:
    """A course-navigation launch, or a link another tool's custom fields decorate."""
    assert read_task_reference({}, secret=SECRET) is None
    assert read_task_reference({"canvas_course_id": "12"}, secret=SECRET) is None


@pytest.mark.parametrize("change", [
    {TASK: "43"},                       # another task, perhaps another school's
    {COURSE: "course-8"},               # the reference moved to a course it was not made for
    {SIGNATURE: "A" * 22},              # a made-up signature
    {TASK: "042"},                      # the same number spelled differently
])
def test_an_edited_reference_is_detected(change: dict[str, str]) -> None:
    with pytest.raises(TamperedTaskReference, match="changed after Worklink made it"):
        read_task_reference({**signed(), **change}, secret=SECRET)


@pytest.mark.parametrize("missing", [SIGNATURE, COURSE])
def test_a_reference_without_its_signature_is_refused(missing: str) -> None:
    custom = {k: v for k, v in signed().items() if k != missing}
    with pytest.raises(TamperedTaskReference, match="not signed by Worklink"):
        read_task_reference(custom, secret=SECRET)


def test_another_instances_signature_does_not_verify() -> None:
    with pytest.raises(TamperedTaskReference):
        read_task_reference(sign_task_reference(42, "course-7", secret="another-worklink"),
                            secret=SECRET)


def test_a_rotated_secret_still_verifies_links_already_placed() -> None:
    custom = sign_task_reference(42, "course-7", secret="old-secret")
    assert read_task_reference(custom, secret="new-secret", fallbacks=["old-secret"]) == \
        TaskReference(42, "course-7")


def test_the_app_secret_and_its_previous_secrets_are_used_by_default(app: Flask) -> None:
    with app.app_context():
        custom = sign_task_reference(7, "course-7")
        assert read_task_reference(custom) == TaskReference(7, "course-7")
        old = app.extensions["worklink.config"].secret_key
        app.extensions["worklink.signer"] = Signer("rotated", [old])
        assert read_task_reference(custom) == TaskReference(7, "course-7")
        assert sign_task_reference(7, "course-7") != custom


def test_a_copied_course_still_verifies_and_names_the_course_it_was_made_for() -> None:
    reference = read_task_reference(signed(course="course-7"), secret=SECRET)
    assert reference is not None
    assert reference.made_for("course-7") and not reference.made_for("course-7-copy")
    assert not reference.made_for(None)


def test_a_platform_sending_the_task_id_as_a_number_is_understood() -> None:
    custom: dict[str, Any] = {**signed(), TASK: 42}
    assert read_task_reference(custom, secret=SECRET) == TaskReference(42, "course-7")


@pytest.mark.parametrize("task_id", [-1, True, "42", 4.0])
def test_only_task_ids_can_be_signed(task_id: Any) -> None:
    with pytest.raises(ValueError):
        sign_task_reference(task_id, "course-7", secret=SECRET)


def test_signatures_are_short_url_safe_text() -> None:
    """Canvas substitutes custom values that start with $; ours never do."""
    signature = signed()[SIGNATURE]
    assert len(signature) == 22 and signature.replace("-", "").replace("_", "").isalnum()
