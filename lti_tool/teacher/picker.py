"""The deep-linking picker: a teacher chooses tasks, Worklink sends them to the course.

Opened by a deep-linking launch (Canvas assignment or link selection, Moodle "Select content").
The launch's claims are kept server-side under its launch id, which the teacher's session is
bound to, so a picker can only ever answer the request that opened it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import abort, render_template, request
from flask_babel import gettext, ngettext
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from competencies.orm import utcnow
from competencies.tasks import library
from competencies.tasks.draft import TaskError
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from competencies.tasks.sanitize import plain_text
from competencies.tasks.search import Filters, search
from competencies.tasks.vocabulary import ContinuumStage
from lti_tool import course_home
from lti_tool.csrf import once, redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.form_problems import LARGEST_ID
from lti_tool.i18n import refusal_text
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.lti.deep_linking import (
    ContentItem,
    DeepLinkingError,
    DeepLinkingRequest,
    LineItemSpec,
    build_response,
    check_count,
    deep_linking_request,
    render_return_form,
)
from lti_tool.lti.keys import signing_key
from lti_tool.lti.launch import Launch
from lti_tool.lti.services import lti_services
from lti_tool.models import Course
from lti_tool.page_context import CourseView, PersonView
from lti_tool.placement import PlacementError, course_context
from lti_tool.security import Principal, current_principal, require
from lti_tool.task_view import vocabulary_labels
from lti_tool.teacher.views import TEACHING, bp
from lti_tool.web import error_page

TEXT_LIMIT = 500
LINE_ITEM_TAG = "worklink-wbl-task"
LISTED = 50
"""Tasks the picker lists for one search."""


def render_picker(course: CourseView, user: PersonView | None, launch: Launch) -> str:
    """The picker, drawn in the deep-linking launch's own response."""
    body, _status = _page(db_session(), course.id, launch.launch_id, Filters())
    return body


@bp.get("/course/<int:course_id>/picker")
@require(*TEACHING)
def picker(course_id: int) -> tuple[str, int]:
    return _page(db_session(), course_id, _principal().launch_id, _filters(request.args))


def _filters(sent: Mapping[str, str]) -> Filters:
    """The picker's search, from its address or from the form that carries it along."""
    stage = sent.get("stage") or None
    return Filters(words=sent.get("q", ""), pathway=sent.get("pathway") or None,
                   stage=ContinuumStage(stage) if stage in set(ContinuumStage) else None)


def _chosen(sent: MultiDict[str, str]) -> tuple[list[int], list[str]]:
    """The ticked tasks' ids, and whatever was sent as one that is no task's id."""
    ids: list[int] = []
    not_tasks: list[str] = []
    for value in sent.getlist("task"):
        try:
            number = int(value)
        except ValueError:
            number = 0
        if 0 < number <= LARGEST_ID:
            ids.append(number)
        else:
            not_tasks.append(value)
    return ids, not_tasks


def _chosen_again(problem: str, course_id: int, status: int = 422) -> tuple[str, int]:
    """The picker again, saying why nothing was added: its search and ticks as they were sent
    (also when the form's token had expired)."""
    return _page(db_session(), course_id, _principal().launch_id, _filters(request.form),
                 ticked=_chosen(request.form)[0], problem=problem, status=status)


@bp.post("/course/<int:course_id>/picker")
@require(*TEACHING)
@once
@redrawn_when_expired(_chosen_again)
def send_to_course(course_id: int) -> tuple[str, int]:
    principal = _principal()
    session = db_session()
    try:
        dl = deep_linking_request(lti_services().store, principal.launch_id)
    except DeepLinkingError as exc:
        return error_page(400, refusal_text(exc))
    course = session.get(Course, course_id) or abort(404)
    context = course_context(session, course_id)
    if request.form.get("action") == "cancel":
        response = build_response(dl, [], signing_key=signing_key(session),
                                  msg=gettext("No work-based learning task was added."))
        return render_return_form(response, 0), 200
    chosen, not_tasks = _chosen(request.form)
    if not_tasks:
        return _chosen_again(gettext(
            "“%(value)s” is not one of the tasks listed here; choose tasks from the list.",
            value=not_tasks[0]), course_id)
    if not chosen:
        return _chosen_again(gettext("Choose at least one task to add."), course_id)
    try:
        tasks = _tasks_to_place(session, context, dl, chosen)
        items = [_content_item(course, task) for task in tasks]
        response = build_response(dl, items, signing_key=signing_key(session),
                                  msg=_added(len(items)))
    except TaskError as exc:
        session.rollback()
        return _chosen_again(refusal_text(exc), course_id, status=403)
    except DeepLinkingError as exc:
        session.rollback()
        return _chosen_again(refusal_text(exc), course_id)
    if dl.accepts_resource_links:  # else the response carries no item
        # Only a note for the course home until each link is first opened: the LMS may still
        # drop an item or the teacher cancel there (see lti_tool.models.AddedTask).
        course_home.record_added(session, course_id, [task.id for task in tasks], utcnow())
        session.commit()
    return render_return_form(response, len(items)), 200


def _tasks_to_place(session: Session, context: CourseContext, dl: DeepLinkingRequest,
                    chosen: list[int]) -> list[Task]:
    """The tasks the links will open: a shared template is placed as the course's own copy.

    Everything that could refuse the request is checked first, so a refused choice leaves no
    copy behind in the course's library.
    """
    visible = [library.get_visible(session, context, task_id) for task_id in chosen]
    check_count(dl, len(visible))
    if not dl.accepts_resource_links:
        return visible  # the response carries no item, so nothing is placed or copied
    return [library.task_to_place(session, context, task.id) for task in visible]


def _content_item(course: Course, task: Task) -> ContentItem:
    """One task as an ``ltiResourceLink``: signed reference, and a grade column from its rubric."""
    rubric = library.rubric_of(task)
    line_item = None
    if rubric is not None and rubric.maximum > 0:
        line_item = LineItemSpec(score_maximum=rubric.maximum, label=task.title,
                                 resource_id=f"worklink-task-{task.id}", tag=LINE_ITEM_TAG)
    text = plain_text(task.description_html)
    return ContentItem(
        title=task.title,
        text=text[:TEXT_LIMIT] if text else None,
        custom=sign_task_reference(task.id, course.context_id),
        line_item=line_item,
    )


def _page(session: Session, course_id: int, launch_id: str, filters: Filters, *,
          ticked: Sequence[int] = (), problem: str | None = None,
          status: int = 200) -> tuple[str, int]:
    try:
        dl = deep_linking_request(lti_services().store, launch_id)
    except DeepLinkingError as exc:
        return error_page(400, refusal_text(exc))
    try:
        context = course_context(session, course_id)
    except PlacementError as exc:
        return error_page(exc.status, refusal_text(exc))
    course = session.get(Course, course_id)
    listed = search(session, context, filters, limit=LISTED).entries
    # A ticked task stays in the list, ticked, even where the search no longer finds it (the
    # list was refreshed in place from the search box as typed, or held more than it shows).
    unlisted = frozenset(ticked[:LISTED]) - {hit.id for hit in listed}
    if unlisted:
        listed = search(session, context, Filters(task_ids=unlisted),
                        limit=len(unlisted)).entries + listed
    return render_template("teacher/picker.html", course=course, dl=dl, listed=listed,
                           ticked=set(ticked), filters=filters, stages=list(ContinuumStage),
                           problem=problem, graded=_graded(dl), **vocabulary_labels()), status


def _graded(dl: DeepLinkingRequest) -> bool:
    return dl.accept_lineitem is not False


def _added(count: int) -> str:
    return str(ngettext("Added %(num)s work-based learning task from Worklink.",
                        "Added %(num)s work-based learning tasks from Worklink.", count))


def _principal() -> Principal:
    principal = current_principal()
    assert principal is not None  # @require made sure
    return principal
