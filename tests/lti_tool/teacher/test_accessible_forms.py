"""Every form control on the teacher's pages has a name a screen reader can announce."""

from __future__ import annotations

import re

import lxml.html
import pytest
from sqlalchemy.orm import Session

from tests.lti_tool.lti.conftest import REMOVE, Flow
from tests.lti_tool.task_launch_factories import aligned_task, course_context

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _unnamed_controls(page: str) -> list[str]:
    doc = lxml.html.fromstring(page)
    labelled = {label.get("for") for label in doc.iter("label") if label.get("for")}
    problems = []
    for control in doc.xpath("//input | //select | //textarea"):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        named = (control.get("id") in labelled or control.get("aria-label")
                 or control.get("aria-labelledby") or control.xpath("ancestor::label"))
        if not named:
            problems.append(lxml.html.tostring(control, encoding="unicode")[:120])
    return problems


@pytest.fixture
def teacher_pages(flow: Flow, db: Session) -> dict[str, str]:
    flow.launch(role="Instructor")
    context = course_context(db)
    task_id = aligned_task(db, context, "Job shadow at a clinic")
    base = f"/teacher/course/{context.course_id}"
    pages = {}
    for path in ("/tasks", "/tasks/new", f"/tasks/{task_id}", f"/tasks/{task_id}/rubric",
                 f"/tasks/{task_id}/alignments", f"/tasks/{task_id}/preview/employer", "/coverage"):
        response = flow.client.get(base + path)
        assert response.status_code == 200, path  # an error page would pass the checks vacuously
        pages[path] = response.get_data(as_text=True)
    picker = flow.launch(role="Instructor", lti_message_type="LtiDeepLinkingRequest",
                         lti_resource_link=REMOVE, **{DL_SETTINGS: {
                             "deep_link_return_url": "https://platform.test/return",
                             "accept_types": ["ltiResourceLink"], "accept_multiple": True}})
    assert picker.status_code == 200
    pages["picker"] = picker.get_data(as_text=True)
    assert sum(len(lxml.html.fromstring(p).xpath("//input | //select | //textarea"))
               for p in pages.values()) > 20
    return pages


def test_teacher_pages_label_every_control(teacher_pages: dict[str, str]) -> None:
    problems = {path: found for path, page in teacher_pages.items()
                if (found := _unnamed_controls(page))}
    assert problems == {}


def test_teacher_pages_declare_language_viewport_and_one_main(teacher_pages: dict[str, str]) -> None:
    for path, page in teacher_pages.items():
        assert '<html lang="en">' in page, path
        assert 'name="viewport"' in page, path  # usable on a phone
        assert len(re.findall(r"<main\b", page)) == 1, path


def test_the_check_itself_finds_an_unlabelled_control() -> None:
    assert _unnamed_controls('<form><input name="q"><label>Ok <input name="b"></label></form>') \
        == ['<input name="q">']
