"""The coverage page is the course's own, for its teachers, counts what is placed in it, and
leads with a summary and collapsed groups, so the gaps are found without scrolling every row."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.vocabulary import AlignmentType
from lti_tool.models import ResourceLink
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import SKILL, STANDARD, aligned_task, course_context


def _place(db: Session, context: CourseContext, task_id: int, link: str) -> None:
    db.add(ResourceLink(course_id=context.course_id, resource_link_id=link, task_id=task_id))
    db.commit()


def _counted(page: str) -> list[str]:
    """The tasks the page says it counts."""
    counted = page.split('<details class="counted-tasks">', 1)[1].split("</details>", 1)[0]
    return re.findall(r"<li>([^<]*)</li>", counted)


def test_teacher_sees_the_courses_coverage(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    _place(db, context, aligned_task(db, context, "Job shadow at a clinic"), "placed-1")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert "Job shadow at a clinic" in page
    assert STANDARD in page and SKILL in page and "1 of 1 covered" in page


def test_a_library_task_never_placed_is_not_counted(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    _place(db, context, aligned_task(db, context, "Placed job shadow"), "placed-1")
    aligned_task(db, context, "Draft in the library")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert _counted(page) == ["Placed job shadow"]


def test_nothing_placed_says_so(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    aligned_task(db, context, "Draft in the library")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert "No work-based learning task is placed in this course yet" in page
    assert "Draft in the library" not in page


def test_two_placed_tasks_with_one_title_get_distinct_columns(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    for n in (1, 2):
        _place(db, context, aligned_task(db, context, "Hospital tour"), f"placed-{n}")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert _counted(page) == ["Hospital tour (1)", "Hospital tour (2)"]


def test_students_and_other_courses_are_refused(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course_id = course_context(db).course_id
    flow.launch(role="Learner")
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403
    flow.launch(role="Instructor", lti_context={"id": "other", "title": "Other"})
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403


def _writing_course(flow: Flow, db: Session) -> int:
    """A placed task aligned to W.1.a; W.1.b beside it is a gap, Language is not shown at all."""
    flow.launch(role="Instructor")
    context = course_context(db)
    store(db, tree_package("w", "Writing standards", [
        ("W.1", "Writing", [("W.1.a", "Argue a claim", []), ("W.1.b", "Inform and explain", [])]),
        ("L.1", "Language", [("L.1.a", "Grammar", [])]),
    ]))
    task = library.create_task(db, context, draft(title="Job shadow"))
    item = db.scalar(select(Item.id).where(Item.human_coding_scheme == "W.1.a"))
    assert item is not None
    library.align(db, context, task.id, item, AlignmentType.BUILDS)
    _place(db, context, task.id, "placed-1")
    return context.course_id


def test_a_summary_links_each_framework_and_groups_start_collapsed(flow: Flow, db: Session) -> None:
    course_id = _writing_course(flow, db)
    page = flow.client.get(f"/teacher/course/{course_id}/coverage").get_data(as_text=True)
    summary = page.split('<table class="coverage-summary">', 1)[1].split("</table>", 1)[0]
    framework = re.search(r'<a href="#(fw-\d+)">Writing standards</a>', summary)
    assert framework is not None and f'<h2 id="{framework.group(1)}">Writing standards</h2>' in page
    assert "1 of 2" in summary
    groups = re.findall(r"<details[^>]*>", page.split('<section class="coverage-framework"', 1)[1])
    assert groups == ['<details class="coverage-group has-gaps">']   # one group, closed
    assert "1 of 2 covered, 1 not covered" in " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "Argue a claim" in page and "Inform and explain" in page and "Grammar" not in page


def test_show_only_gaps_lists_the_items_no_task_covers(flow: Flow, db: Session) -> None:
    course_id = _writing_course(flow, db)
    url = f"/teacher/course/{course_id}/coverage"
    page = flow.client.get(url).get_data(as_text=True)
    assert f'<a href="{url}?show=gaps">Show only the 1 item no task covers</a>' in page

    gaps = flow.client.get(url + "?show=gaps").get_data(as_text=True)

    assert "Inform and explain" in gaps and "Argue a claim" not in gaps
    assert f'<a href="{url}">Show every item</a>' in gaps
    assert "1 of 2 covered" in gaps   # the counts stay the whole framework's
