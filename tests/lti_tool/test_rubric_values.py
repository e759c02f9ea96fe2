"""A level's worth reads the same in the builder, both previews, the placement and the student page."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy.orm import Session

from lti_tool.lti.custom_params import sign_task_reference
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf, _rubric_form

# Communication ×2 with levels 1, 3, 4 and Safety with 0, 2: the floor is 2 of 10 points, so
# Worklink rescales and the levels are worth 0, 5, 7.5 and 0, 2.5.
EXPECTED = ["0 points", "5 points", "7.5 points", "0 points", "2.5 points"]


def _worths(page: str) -> list[str]:
    return re.findall(r'class="(?:hint )?worth">\(?(?:worth )?([^<)]*)\)?</span>', page)


def test_every_page_shows_the_same_worth_for_each_level(app: Flask, flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    assert flow.client.post(url, data=_rubric_form(_csrf(flow, url))).status_code == 302

    builder = flow.client.get(url).get_data(as_text=True)
    student_preview = flow.client.get(f"{url[:-7]}/preview/student").get_data(as_text=True)
    employer_preview = flow.client.get(f"{url[:-7]}/preview/employer").get_data(as_text=True)
    custom = sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"])
    placement = flow.launch(role="Instructor", lti_custom=custom).get_data(as_text=True)
    student = flow.launch(role="Learner", lti_custom=custom).get_data(as_text=True)

    pages = {"builder": builder, "student preview": student_preview,
             "employer preview": employer_preview, "placement": placement, "student": student}
    assert {name: _worths(page) for name, page in pages.items()} == {name: EXPECTED for name in pages}
    assert "Beginning</strong> <span class=\"worth\">(1 point" not in student
    assert "the lowest level of each criterion counts 0" in builder
    assert "every lowest level is above 0" not in builder


def test_the_student_page_and_its_preview_show_the_same_task(app: Flask, flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course, due_at="2026-03-02T17:00")
    url = f"/teacher/course/{course}/tasks/{task_id}/preview/student"
    preview = flow.client.get(url).get_data(as_text=True)
    custom = sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"])
    student = flow.launch(role="Learner", lti_custom=custom).get_data(as_text=True)

    def article(page: str) -> str:
        start = page.index("<h1>")
        task = page[start:page.index("</main>")].replace("</article>", "")
        # The student's own work (a checklist and forms) sits between the task's parts.
        task = re.sub(r'<div class="work"[^>]*>.*</div><!-- /work -->', "", task, flags=re.S)
        return re.sub(r"\s+", " ", task)

    assert article(preview) == article(student)
    assert "Due" in article(student) and "UTC" in article(student)
    assert "What this task asks for" in student  # the work is on the page, beside the task


def test_fractional_points_read_naturally_in_spanish(flow: Flow, db: Session) -> None:
    """gettext refuses a float plural in a real catalogue; 7.5 points is “7,5 puntos”."""
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    assert flow.client.post(url, data=_rubric_form(_csrf(flow, url))).status_code == 302
    page = flow.client.get(f"{url[:-7]}/preview/student", headers={"Accept-Language": "es"})
    assert page.status_code == 200 and "(7,5 puntos)" in page.get_data(as_text=True)
