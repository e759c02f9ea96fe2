"""The copy action shows only on another course's task, and a copy says it is one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from competencies.scoring import ratings
from competencies.tasks import library
from competencies.tasks.vocabulary import LibraryScope
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf

COPY = "Copy into this course to adapt it"


def test_a_teachers_own_task_offers_no_copy(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    page = flow.client.get(f"/teacher/course/{course}/tasks/{task_id}").get_data(as_text=True)
    assert COPY not in page


def test_another_courses_task_is_copied_titled_as_a_copy(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", lti_context={"id": "course-8", "title": "Other", "label": "O"})
    other = course_context(db, "course-8")
    shared = library.create_task(db, other, draft(title="Hospital tour", scope=LibraryScope.DEPLOYMENT))
    ratings.set_policy(db, other, shared.id, accept_employer_ratings=True,
                       comment_required_for_lowest=False)
    flow.launch(role="Instructor")
    course = _course_id(db)
    url = f"/teacher/course/{course}/tasks/{shared.id}"
    page = flow.client.get(url).get_data(as_text=True)
    assert COPY in page
    assert "This task is shared by your school or district" in page
    assert "belongs to another course" not in page
    copied = flow.client.post(url + "/copy", data={"csrf_token": _csrf(flow, url)})
    assert copied.status_code == 302
    copy_page = flow.client.get(copied.headers["Location"]).get_data(as_text=True)
    assert 'value="Hospital tour (copy)"' in copy_page
    assert "This task is a copy made for this course" in copy_page and COPY not in copy_page
    copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    assert ratings.policy_for(db, copy_id).accept_employer_ratings, "the copy takes them as before"
