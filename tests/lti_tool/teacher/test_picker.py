"""The deep-linking picker: a teacher's chosen tasks go back to the LMS as signed links."""

from __future__ import annotations

import re
from typing import Any

import jwt
import lxml.html
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.tasks import starters
from competencies.tasks.model import Task
from lti_tool.lti import keys
from tests.lti_tool.lti.conftest import CLIENT_ID, ISSUER, REMOVE, Flow
from tests.lti_tool.task_launch_factories import aligned_task, course_context, shipped_template

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RETURN_URL = "https://platform.test/deep-link-return"


def _deep_link(flow: Flow, role: str = "Instructor", **settings: Any) -> str:
    base = {"deep_link_return_url": RETURN_URL, "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe"], "accept_multiple": True,
            "accept_lineitem": True, "data": "opaque-7"}
    response = flow.launch(role=role, lti_message_type="LtiDeepLinkingRequest",
                           lti_resource_link=REMOVE, **{DL_SETTINGS: {**base, **settings}})
    return response.get_data(as_text=True) if response.status_code == 200 else f"{response.status_code}"


def _send(flow: Flow, page: str, course_id: int, **form: Any) -> tuple[int, str]:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = flow.client.post(f"/teacher/course/{course_id}/picker",
                                data={"csrf_token": token.group(1), **form})
    return response.status_code, response.get_data(as_text=True)


def _response_claims(app: Flask, db: Session, page: str) -> dict[str, Any]:
    assert f'action="{RETURN_URL}"' in page
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    assert token is not None
    jwks = keys.public_jwks(db)
    kid = jwt.get_unverified_header(token.group(1))["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    return jwt.decode(token.group(1), key, algorithms=["RS256"], audience=ISSUER)


@pytest.fixture
def course_with_tasks(flow: Flow, db: Session) -> tuple[int, list[int]]:
    flow.launch(role="Instructor")
    context = course_context(db)
    return context.course_id, [aligned_task(db, context, "Job shadow at a clinic"),
                               aligned_task(db, context, "Informational interview")]


def test_picker_lists_the_course_tasks(flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    page = _deep_link(flow)
    assert "Add work-based learning to Health Science Pathway" in page
    assert "Job shadow at a clinic" in page and "Informational interview" in page
    assert 'type="checkbox"' in page


def test_two_chosen_tasks_go_back_signed_with_grade_columns(
        app: Flask, flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, task_ids = course_with_tasks
    status, page = _send(flow, _deep_link(flow), course_id, task=task_ids, action="add")
    assert status == 200
    claims = _response_claims(app, db, page)
    assert claims["iss"] == CLIENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-7"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["title"] for i in items] == ["Job shadow at a clinic", "Informational interview"]
    maximum = starters.load("employability-skills").maximum
    assert maximum > 0 and all(i["lineItem"]["scoreMaximum"] == maximum for i in items)
    assert {i["custom"]["worklink_task"] for i in items} == {str(t) for t in task_ids}
    assert all(i["custom"]["worklink_course"] == "course-7" and i["custom"]["worklink_sig"]
               for i in items)


def test_one_task_only_where_the_platform_takes_one(
        flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, task_ids = course_with_tasks
    page = _deep_link(flow, accept_multiple=False)
    assert 'type="radio"' in page
    status, body = _send(flow, page, course_id, task=task_ids, action="add")
    assert status == 422 and "accepts only one task" in body and 'name="JWT"' not in body


def test_a_task_of_another_course_cannot_be_sent(
        flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, _ = course_with_tasks
    flow.launch(role="Instructor", lti_context={"id": "other-course", "title": "Other"})
    foreign = aligned_task(db, course_context(db, "other-course"), "Someone else's task")
    page = _deep_link(flow)
    assert "Someone else's task" not in page
    status, body = _send(flow, page, course_id, task=[foreign], action="add")
    assert status == 403 and 'name="JWT"' not in body


def test_nothing_chosen_asks_again(flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, _ = course_with_tasks
    status, body = _send(flow, _deep_link(flow), course_id, action="add")
    assert status == 422 and "Choose at least one task" in body


def test_cancel_answers_the_platform_with_no_items(
        app: Flask, flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, _ = course_with_tasks
    status, page = _send(flow, _deep_link(flow), course_id, action="cancel")
    claims = _response_claims(app, db, page)
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"] == []


def test_a_student_cannot_open_the_picker(flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    assert _deep_link(flow, role="Learner") == "403"


def test_the_picker_refuses_a_session_that_was_no_deep_link(
        flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, _ = course_with_tasks
    flow.launch(role="Instructor")  # a plain launch: its session has no deep-linking request
    response = flow.client.get(f"/teacher/course/{course_id}/picker")
    assert response.status_code == 400 and b"not opened with" in response.data


def test_a_task_created_in_the_other_window_reaches_the_picker_list(
        flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    """The new-task window announces the save; the picker's list refreshes from its own search."""
    course_id, _ = course_with_tasks
    page = _deep_link(flow)
    assert f'data-task-list-refresh data-course="{course_id}"' in page
    assert "task_list_sync.js" in page
    # The other window: the task form, and the page its save lands on.
    form = flow.client.get(f"/teacher/course/{course_id}/tasks/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    created = flow.client.post(f"/teacher/course/{course_id}/tasks/new", data={
        "csrf_token": token.group(1), "title": "Tour a print shop", "stage": "awareness",
        "experience_type": "workplace_tour", "scope": "course"})
    assert created.status_code == 302 and "saved=1" in created.headers["Location"]
    saved = flow.client.get(created.headers["Location"]).get_data(as_text=True)
    assert f'<meta name="worklink-task-saved" content="{course_id}">' in saved
    assert "task_list_sync.js" in saved
    # What the picker's script fetches: the same search, now with the new task in the list.
    listed = flow.client.get(f"/teacher/course/{course_id}/picker?q=&stage=&pathway=")
    body = listed.get_data(as_text=True).split("data-task-list-refresh", 1)[1]
    assert "Tour a print shop" in body.split("</form>", 1)[0]
    # A page that only shows a task announces nothing.
    task_url = created.headers["Location"].split("?")[0]
    assert "worklink-task-saved" not in flow.client.get(task_url).get_data(as_text=True)


def test_a_shared_template_is_placed_as_the_courses_own_copy(
        app: Flask, flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    """The link opens a task the course can change; the template stays as every course sees it."""
    course_id, _ = course_with_tasks
    template_id = shipped_template(db)
    page = _deep_link(flow)
    assert "A shared template (or a task your school or district shares) is copied into this " \
           "course when you add it" in page
    listed = page.split(f'value="{template_id}"', 1)[1].split("</li>", 1)[0]
    assert "Shared template" in listed and "added as this course's own copy" in listed

    status, body = _send(flow, page, course_id, task=[template_id], action="add")
    assert status == 200
    [item] = _response_claims(app, db, body)["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    db.expire_all()
    template = db.get(Task, template_id)
    copy = db.get(Task, int(item["custom"]["worklink_task"]))
    assert template is not None and copy is not None and copy.id != template.id
    assert copy.course_id == course_id and copy.copied_from_id == template.id
    assert item["title"] == copy.title == template.title  # students see the template's name
    assert copy.rubric_id is not None and copy.rubric_id != template.rubric_id
    assert [a.item_id for a in copy.alignments] == [a.item_id for a in template.alignments]
    assert copy.file_groups == template.file_groups and copy.asked_artifacts == template.asked_artifacts
    assert item["lineItem"]["resourceId"] == f"worklink-task-{copy.id}"
    assert template.course_id is None and template.revision == 1


def test_the_courses_own_task_is_placed_as_it_is(
        app: Flask, flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, task_ids = course_with_tasks
    status, body = _send(flow, _deep_link(flow), course_id, task=task_ids[:1], action="add")
    [item] = _response_claims(app, db, body)["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"]["worklink_task"] == str(task_ids[0])
    assert db.scalar(select(func.count()).select_from(Task).where(
        Task.copied_from_id.is_not(None))) == 0


def test_a_refused_choice_leaves_no_copy_behind(
        flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    """Two tasks where the platform takes one: nothing is placed, so nothing is copied."""
    course_id, task_ids = course_with_tasks
    template_id = shipped_template(db)
    page = _deep_link(flow, accept_multiple=False)
    status, body = _send(flow, page, course_id, task=[template_id, task_ids[0]], action="add")
    assert status == 422 and 'name="JWT"' not in body
    assert db.scalar(select(func.count()).select_from(Task).where(
        Task.copied_from_id == template_id)) == 0


# -- a refused choice comes back as it was sent ------------------------------------------------

def _sent_by_the_page(page: str, **chosen: Any) -> dict[str, Any]:
    """What the page's "Add to course" form sends: its own fields, and what was chosen."""
    form = lxml.html.fromstring(page).xpath("//form[@method='post'][.//input[@name='task'] "
                                            "or .//button[@value='cancel']]")[0]
    return {**{field.get("name"): field.get("value") or ""
               for field in form.xpath(".//input[@type='hidden']")}, **chosen}


def _ticked(page: str) -> list[str]:
    return lxml.html.fromstring(page).xpath("//input[@name='task'][@checked]/@value")


def _search(flow: Flow, course_id: int, **search: str) -> str:
    page = flow.client.get(f"/teacher/course/{course_id}/picker", query_string=search)
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.parametrize("refusal", ["too many", "another course's task", "not a task",
                                     "nothing chosen"])
def test_a_refused_choice_keeps_the_ticks_and_the_search(
        flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]], refusal: str) -> None:
    course_id, (clinic, interview) = course_with_tasks
    flow.launch(role="Instructor", lti_context={"id": "other-course", "title": "Other"})
    foreign = aligned_task(db, course_context(db, "other-course"), "Someone else's clinic task")
    _deep_link(flow, accept_multiple=refusal != "too many")
    page = _search(flow, course_id, q="clinic", stage="", pathway="Patient")
    ticks = {"too many": [clinic, interview], "another course's task": [clinic, foreign],
             "not a task": [clinic, "clinic"], "nothing chosen": []}[refusal]

    answer = flow.client.post(f"/teacher/course/{course_id}/picker", data=_sent_by_the_page(
        page, task=[str(t) for t in ticks], action="add"))

    body = answer.get_data(as_text=True)
    assert answer.status_code in (403, 422) and 'name="JWT"' not in body
    assert lxml.html.fromstring(body).xpath("//*[@role='alert']")  # says why
    shown = [str(t) for t in ticks if t in (clinic, interview)]
    assert sorted(_ticked(body)) == sorted(shown)
    assert str(foreign) not in body.split("picker-list", 1)[-1]  # never listed here
    fields = lxml.html.fromstring(body)
    assert (fields.get_element_by_id("q").get("value"),
            fields.get_element_by_id("pathway").get("value")) == ("clinic", "Patient")
    assert db.scalar(select(func.count()).select_from(Task)) == 3  # nothing copied or made


def test_a_value_that_is_no_task_is_named(flow: Flow,
                                          course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, (clinic, _) = course_with_tasks
    status, body = _send(flow, _deep_link(flow), course_id, task=[str(clinic), "12abc"],
                         action="add")
    assert status == 422 and 'name="JWT"' not in body
    assert "“12abc” is not one of the tasks listed here; choose tasks from the list." in body


def test_a_ticked_task_the_search_no_longer_finds_stays_ticked(
        flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    """The list refreshed in place (another window saved a task) may show more than the search."""
    course_id, (_, interview) = course_with_tasks
    _deep_link(flow)
    page = _search(flow, course_id, q="clinic")
    assert f'value="{interview}"' not in page
    answer = flow.client.post(f"/teacher/course/{course_id}/picker", data=_sent_by_the_page(
        page, task=[str(interview), "x"], action="add"))
    assert answer.status_code == 422
    assert _ticked(answer.get_data(as_text=True)) == [str(interview)]


def test_a_refused_choice_is_explained_in_spanish(
        flow: Flow, course_with_tasks: tuple[int, list[int]]) -> None:
    course_id, (clinic, _) = course_with_tasks
    page = _deep_link(flow)
    switched = flow.client.post("/language", data={
        "csrf_token": _sent_by_the_page(page)["csrf_token"], "language": "es", "next": "/"})
    assert switched.status_code == 303
    status, body = _send(flow, _search(flow, course_id), course_id, task=[str(clinic), "x"],
                         action="add")
    assert status == 422 and _ticked(body) == [str(clinic)]
    assert "“x” no es una de las tareas de esta lista; elige tareas de la lista." in body


def test_a_choice_sent_from_an_expired_form_comes_back_ticked_and_can_be_sent_again(
        app: Flask, flow: Flow, db: Session, course_with_tasks: tuple[int, list[int]]) -> None:
    """The teacher chose “Add content” again in another tab: a new session, so the first
    picker's form token no longer checks out."""
    course_id, (_, interview) = course_with_tasks
    _deep_link(flow)
    first = _search(flow, course_id, q="interview")
    _deep_link(flow)

    answer = flow.client.post(f"/teacher/course/{course_id}/picker",
                              data=_sent_by_the_page(first, task=[str(interview)], action="add"))

    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'name="JWT"' not in body
    assert "This form had expired, so nothing was saved." in body
    assert _ticked(body) == [str(interview)]
    assert lxml.html.fromstring(body).get_element_by_id("q").get("value") == "interview"
    status, sent = _send(flow, body, course_id, task=_ticked(body), action="add")
    assert status == 200
    items = _response_claims(app, db, sent)["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [item["title"] for item in items] == ["Informational interview"]
