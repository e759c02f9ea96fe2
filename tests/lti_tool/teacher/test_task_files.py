"""The task form's choice of files: ticked boxes and a size limit, posted as a browser without
script posts the form, stored, and shown again as chosen."""

from __future__ import annotations

import lxml.html
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from competencies.tasks.model import Task
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.test_tasks import _create, teacher  # noqa: F401 - the fixture

MB = 1024 * 1024


def _task_form(flow: Flow, url: str) -> lxml.html.FormElement:
    page = flow.client.get(url)
    assert page.status_code == 200
    [form] = [f for f in lxml.html.fromstring(page.get_data(as_text=True)).forms
              if "title" in f.inputs.keys()]
    return form


def _ticked(form: lxml.html.FormElement) -> list[str]:
    return [box.get("value") for box in form.xpath(".//input[@name='file_groups']")
            if box.checked]


def test_a_teacher_narrows_the_files_and_the_form_shows_the_choice_again(
        flow: Flow, teacher: int, db: Session) -> None:  # noqa: F811
    new = _task_form(flow, f"/teacher/course/{teacher}/tasks/new")
    assert _ticked(new) == ["images", "pdf", "office", "video", "audio"], "the default"
    task_id = _create(flow, teacher, asked_artifacts=["files", "reflection"])
    url = f"/teacher/course/{teacher}/tasks/{task_id}"
    form = _task_form(flow, url)
    for box in form.xpath(".//input[@name='file_groups']"):
        box.checked = box.get("value") in ("images", "pdf")
    form.inputs["max_file_mb"].value = "25"
    # Exactly what a browser without script sends: the successful controls, in page order.
    posted = flow.client.post(url, data=MultiDict(form.form_values()))
    assert posted.status_code == 302, posted.get_data(as_text=True)
    db.expire_all()
    task = db.get(Task, task_id)
    assert task is not None and task.file_groups == ["images", "pdf"]
    assert task.file_max_bytes == 25 * MB
    again = _task_form(flow, url)
    assert _ticked(again) == ["images", "pdf"] and again.inputs["max_file_mb"].value == "25"


def test_asking_for_files_but_accepting_none_is_explained_and_changes_nothing(
        flow: Flow, teacher: int, db: Session) -> None:  # noqa: F811
    task_id = _create(flow, teacher, asked_artifacts=["files"])
    url = f"/teacher/course/{teacher}/tasks/{task_id}"
    form = _task_form(flow, url)
    for box in form.xpath(".//input[@name='file_groups']"):
        box.checked = False
    form.inputs["max_file_mb"].value = "100000"
    refused = flow.client.post(url, data=MultiDict(form.form_values()))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose at least one kind of file the task accepts" in text
    assert "The size limit per file must be above 0 and at most 200 MB." in text
    [shown] = [f for f in lxml.html.fromstring(text).forms if "title" in f.inputs.keys()]
    assert _ticked(shown) == [], "the form comes back as the teacher left it"
    db.expire_all()
    task = db.get(Task, task_id)
    assert task is not None and len(task.file_groups) == 5 and task.file_max_bytes is None
