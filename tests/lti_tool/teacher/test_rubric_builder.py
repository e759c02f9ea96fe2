"""The rubric builder adds, removes and reorders criteria and levels in place, without script."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from lti_tool.teacher.rubric_builder import (
    CriterionRow,
    LevelRow,
    UnknownEdit,
    apply_edit,
)
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf, _rubric_form


def _rows() -> list[CriterionRow]:
    return [CriterionRow("A", levels=[LevelRow("a1", "0"), LevelRow("a2", "1")]),
            CriterionRow("B", levels=[LevelRow("b1", "0")])]


def test_edits_add_remove_and_move_rows() -> None:
    assert [c.name for c in apply_edit(_rows(), "down-criterion:0")] == ["B", "A"]
    assert [c.name for c in apply_edit(_rows(), "up-criterion:0")] == ["A", "B"]  # already first
    assert [lv.label for lv in apply_edit(_rows(), "up-level:0:1")[0].levels] == ["a2", "a1"]
    assert len(apply_edit(_rows(), "add-level:1")[1].levels) == 2
    assert [c.name for c in apply_edit(_rows(), "remove-criterion:0")] == ["B"]
    assert [lv.label for lv in apply_edit(_rows(), "remove-level:0:0")[0].levels] == ["a2"]
    assert len(apply_edit(_rows(), "add-criterion")) == 3
    rows = _rows()
    apply_edit(rows, "remove-criterion:0")
    assert [c.name for c in rows] == ["A", "B"], "an edit never changes the rows it was given"


@pytest.mark.parametrize("action", ["explode", "remove-criterion:9", "up-level:0:7", "add-level:5"])
def test_an_unknown_or_stale_edit_is_refused(action: str) -> None:
    with pytest.raises(UnknownEdit):
        apply_edit(_rows(), action)


def _fieldsets(page: str) -> list[str]:
    return re.findall(r'name="c(\d+)-name" value="([^"]*)"', page)


def test_an_edit_button_changes_the_form_and_saves_nothing(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    form = _rubric_form(_csrf(flow, url))
    added = flow.client.post(url, data={**form, "edit": "add-criterion"})
    assert added.status_code == 200
    assert _fieldsets(added.get_data(as_text=True)) == [("0", "Communication"), ("1", "Safety"), ("2", "")]
    moved = flow.client.post(url, data={**form, "edit": "down-criterion:0"}).get_data(as_text=True)
    assert _fieldsets(moved) == [("0", "Safety"), ("1", "Communication")]
    assert "not saved yet" in moved
    db.expire_all()
    assert db.get(Task, task_id).rubric_id is None  # type: ignore[union-attr]
    # Saving what the edits made keeps the new order.
    order = {k.replace("c0-", "cX-").replace("c1-", "c0-").replace("cX-", "c1-"): v
             for k, v in form.items()}
    assert flow.client.post(url, data=order).status_code == 302
    page = flow.client.get(url).get_data(as_text=True)
    assert _fieldsets(page) == [("0", "Safety"), ("1", "Communication")]


def test_a_tampered_edit_is_a_400(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    answer = flow.client.post(url, data={**_rubric_form(_csrf(flow, url)), "edit": "remove-level:8:8"})
    assert answer.status_code == 400
