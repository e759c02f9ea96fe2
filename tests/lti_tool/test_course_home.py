"""The course home lists placed tasks with due dates and counts; the student home lists them too."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.custom_params import sign_task_reference
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import aligned_task, course_context


def _place(app: Flask, flow: Flow, task_id: int, link: str) -> None:
    """The teacher opens the link the LMS made for the task: Worklink now knows it is placed."""
    custom = sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"])
    flow.launch(role="Instructor", lti_custom=custom, lti_resource_link={"id": link, "title": link})


def _student_opens(app: Flask, flow: Flow, task_id: int, link: str, sub: str) -> str:
    custom = sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"])
    return flow.launch(role="Learner", sub=sub, lti_custom=custom,
                       lti_resource_link={"id": link, "title": link}).get_data(as_text=True)


def test_the_teacher_home_lists_placed_tasks_with_counts(app: Flask, flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    first = aligned_task(db, context, "Job shadow at a clinic")
    second = aligned_task(db, context, "Interview a pharmacist")
    db.commit()
    _place(app, flow, first, "link-a")
    _place(app, flow, second, "link-b")
    _student_opens(app, flow, first, "link-a", "student-1")
    _student_opens(app, flow, first, "link-a", "student-1")  # opened twice still counts once
    flow.launch(role="Learner", sub="student-2")              # in the course, opened nothing

    page = flow.launch(role="Instructor").get_data(as_text=True)
    rows = {title: re.sub(r"<[^>]+>|\s+", " ", row)
            for row, title in re.findall(r'(<tr>\s*<td data-label="Task"><a [^>]*>([^<]+)</a>.*?</tr>)',
                                         page, re.S)}
    assert set(rows) == {"Job shadow at a clinic", "Interview a pharmacist"}
    clinic = rows["Job shadow at a clinic"].split()
    assert clinic[-5:] == ["1", "1", "0", "0", "0"], rows  # not started, opened, draft, in, sent
    assert rows["Interview a pharmacist"].split()[-5:] == ["2", "0", "0", "0", "0"]
    assert "Next thing to do" in page and "Set a due date" in page

    student = flow.launch(role="Learner", sub="student-2").get_data(as_text=True)
    assert "Job shadow at a clinic" in student and "Interview a pharmacist" in student
    assert "has not placed" not in student and "phone" not in student


def test_an_empty_course_says_how_to_place_a_task(flow: Flow, db: Session) -> None:
    page = flow.launch(role="Instructor").get_data(as_text=True)
    assert "No task is placed in this course yet." in page and "Place a task in the course" in page
    student = flow.launch(role="Learner", sub="student-9").get_data(as_text=True)
    assert "has not placed a work-based learning task" in student


def test_the_teacher_home_offers_the_shipped_templates_along_the_continuum(
        flow: Flow, db: Session) -> None:
    from competencies import builtin, samples
    from competencies.importing import import_package
    from competencies.tasks import templates

    for name in builtin.names():
        import_package(db, builtin.load(name), allow_removals=True)
    samples.import_samples(db)
    templates.install(db)
    db.commit()
    page = flow.launch(role="Instructor").get_data(as_text=True)
    section = page.split('id="templates-heading"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'<a href="[^"]+/tasks/\d+">([^<]+)</a>', section)
    assert len(titles) == 6
    assert titles[0].startswith("Guest speaker")          # career awareness comes first
    assert titles[-1].startswith("Clinical internship")    # career training last
    assert "Career awareness" in section and "Healthcare &amp; Human Services" in section


def test_without_templates_the_home_has_no_template_section(flow: Flow, db: Session) -> None:
    page = flow.launch(role="Instructor").get_data(as_text=True)
    assert 'id="templates-heading"' not in page


def test_every_section_of_the_teacher_home_leads_somewhere(flow: Flow) -> None:
    """Employers and mentors included: its section leads to the partners and the placements."""
    page = flow.launch(role="Instructor").get_data(as_text=True)
    employers = page.split('id="employers-heading"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'href="/teacher/course/\d+/partners"', employers), employers
    assert re.search(r'href="/teacher/course/\d+/placements"', employers), employers


def _home(flow: Flow, course_id: int) -> str:
    return flow.client.get(f"/teacher/course/{course_id}").get_data(as_text=True)


def _section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]


def test_tasks_just_added_through_deep_linking_show_before_their_links_open(
        app: Flask, flow: Flow, db: Session) -> None:
    """The QA finding: right after "Added 2 tasks", the home said nothing was placed."""
    from tests.lti_tool.teacher.test_picker import _deep_link, _send

    flow.launch(role="Instructor")
    context = course_context(db)
    first = aligned_task(db, context, "Job shadow at a clinic")
    second = aligned_task(db, context, "Interview a pharmacist")
    status, _ = _send(flow, _deep_link(flow), context.course_id, task=[first, second], action="add")
    assert status == 200

    page = _home(flow, context.course_id)
    placed = _section(page, "placed-heading")
    assert "No task is placed in this course yet." not in placed
    added = placed.split('id="added-heading"', 1)[1]
    assert "Added, not opened yet" in placed
    assert "Job shadow at a clinic" in added and "Interview a pharmacist" in added
    step = _section(page, "next-heading")
    assert "Place a task" not in step and "Set a due date for" in step
    assert re.search(rf'href="/teacher/course/{context.course_id}/tasks/({first}|{second})"', step)
    assert "Interview a pharmacist" not in flow.launch(role="Learner", sub="student-1").get_data(
        as_text=True)  # a note for the teacher: students see only what the LMS made

    _place(app, flow, first, "link-a")  # the first launch ties the task to its link
    page = _home(flow, context.course_id)
    table, added = _section(page, "placed-heading").split('id="added-heading"', 1)
    assert "Job shadow at a clinic" in table and "Job shadow at a clinic" not in added
    assert "Interview a pharmacist" in added and "Interview a pharmacist" not in table


def test_an_added_task_the_lms_never_made_can_be_taken_off_the_list(
        app: Flask, flow: Flow, db: Session) -> None:
    from tests.lti_tool.teacher.test_picker import _deep_link, _send

    flow.launch(role="Instructor")
    context = course_context(db)
    task = aligned_task(db, context, "Job shadow at a clinic")
    _send(flow, _deep_link(flow), context.course_id, task=[task], action="add")
    _send(flow, _deep_link(flow), context.course_id, task=[task], action="add")  # added again
    page = _home(flow, context.course_id)
    assert _section(page, "placed-heading").count("Job shadow at a clinic</a>") == 1
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    taken = flow.client.post(f"/teacher/course/{context.course_id}/added/{task}/forget",
                             data={"csrf_token": token.group(1)})
    assert taken.status_code == 303
    page = _home(flow, context.course_id)
    assert "Added, not opened yet" not in page and "No task is placed in this course yet." in page


def test_a_cancelled_picker_adds_nothing(flow: Flow, db: Session) -> None:
    from tests.lti_tool.teacher.test_picker import _deep_link, _send

    flow.launch(role="Instructor")
    context = course_context(db)
    aligned_task(db, context, "Job shadow at a clinic")
    _send(flow, _deep_link(flow), context.course_id, action="cancel")
    page = _home(flow, context.course_id)
    assert "Added, not opened yet" not in page and "Place a task" in page


def test_a_template_added_is_listed_as_the_courses_copy_until_its_link_opens(
        app: Flask, flow: Flow, db: Session) -> None:
    from competencies.tasks.model import Task
    from tests.lti_tool.task_launch_factories import shipped_template
    from tests.lti_tool.teacher.test_picker import _deep_link, _send

    flow.launch(role="Instructor")
    context = course_context(db)
    template = shipped_template(db)
    _send(flow, _deep_link(flow), context.course_id, task=[template], action="add")
    db.expire_all()
    copy = db.scalar(select(Task.id).where(Task.copied_from_id == template))
    page = _home(flow, context.course_id)
    added = _section(page, "placed-heading").split('id="added-heading"', 1)[1]
    assert f"/tasks/{copy}" in added and f"/tasks/{template}\"" not in added
    assert f"/tasks/{copy}" in _section(page, "next-heading")  # its due date, on a page that takes it
    _student_opens(app, flow, copy, "link-a", "student-1")
    flow.launch(role="Instructor")
    assert "Added, not opened yet" not in _home(flow, context.course_id)
