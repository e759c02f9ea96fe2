"""The teacher's task pages: the library, the task form, alignments, rubric builder, previews.

Thin views: each reads the form, calls :mod:`competencies.tasks`, and either redirects or shows
the form again with the service's message (nothing was changed when a service refuses). A form
whose token had expired (Worklink launched again in another tab) is shown again as it was sent
(:func:`lti_tool.csrf.redrawn_when_expired`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies import builtin
from competencies import search as item_search
from competencies.scoring import ratings
from competencies.tasks import library, starters, versions
from competencies.tasks.draft import MEGABYTE, InvalidTask, TaskError, parse_draft
from competencies.tasks.library import CourseContext, TaskNotFound, TaskReadOnly
from competencies.tasks.model import Task
from competencies.tasks.rubric import Criterion, Level, Rubric, RubricError
from competencies.tasks.rubric_form import MAX_LEVELS, parse_rubric
from competencies.tasks.search import Filters, search
from competencies.tasks.vocabulary import (
    AlignmentType,
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)
from competencies.work.file_policy import DEFAULT, FileGroup, ordered
from lti_tool import course_time
from lti_tool.config import app_config
from lti_tool.csrf import once, redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.employer.page import RatingFields
from lti_tool.i18n import message_text, refusal_text
from lti_tool.models import Course, Deployment
from lti_tool.placement import links_opening
from lti_tool.security import current_principal, require
from lti_tool.task_view import task_view, vocabulary_labels
from lti_tool.teacher import rubric_builder
from lti_tool.teacher.views import TEACHING, bp
from lti_tool.web import error_page

Page = str | tuple[str, int] | WerkzeugResponse
PAGE_SIZE = 20


def _context(session: Session, course_id: int) -> tuple[Course, CourseContext]:
    course = session.get(Course, course_id) or abort(404)
    deployment = session.get(Deployment, course.deployment_id) or abort(404)
    return course, CourseContext(course_id=course.id, deployment_id=deployment.id,
                                 registration_id=deployment.registration_id)


def _refusals(view: Callable[..., Page]) -> Callable[..., Page]:
    """A task outside the course's view is 404, another course's task 403, with the reason."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Page:
        try:
            return view(*args, **kwargs)
        except TaskNotFound as exc:
            db_session().rollback()
            return error_page(404, refusal_text(exc))
        except TaskReadOnly as exc:
            db_session().rollback()
            return error_page(403, refusal_text(exc))

    return wrapped


def _choices() -> dict[str, object]:
    return {"stages": list(ContinuumStage), "experiences": list(ExperienceType),
            "artifact_choices": list(AskedArtifact), "scopes": list(LibraryScope),
            "alignment_types": list(AlignmentType), "clusters": _career_clusters(),
            "file_group_kinds": list(FileGroup), "file_limit_mb": _file_limit() // MEGABYTE,
            **vocabulary_labels()}


def _file_limit() -> int:
    """The most a task may allow per file: the instance's limit."""
    return min(app_config().upload_max_bytes, DEFAULT.max_bytes)


@functools.cache
def _career_clusters() -> tuple[str, ...]:
    package = builtin.load("career-clusters-2024")
    return tuple(i.full_statement for i in package.items
                 if (i.human_coding_scheme or "").count(".") == 1)


@bp.get("/course/<int:course_id>/tasks")
@require(*TEACHING)
def task_library(course_id: int) -> Page:
    session = db_session()
    course, context = _context(session, course_id)
    args = request.args
    problems: list[str] = []
    filters = Filters(
        words=args.get("q", ""), item_id=args.get("item", type=int),
        stage=_enum(ContinuumStage, args.get("stage"), problems),
        experience_type=_enum(ExperienceType, args.get("experience_type"), problems),
        scope=_enum(LibraryScope, args.get("scope"), problems),
        pathway=args.get("pathway") or None)
    offset = max(0, args.get("offset", 0, type=int))
    page = search(session, context, filters, limit=PAGE_SIZE, offset=offset)
    return render_template("teacher/tasks/library.html", course=course, page=page,
                           filters=filters, problems=problems, **_choices())


def _task_sent_again(problem: str, course_id: int, task_id: int | None = None) -> Page:
    """The task form again, as it was sent (new, or the task it edits), saying why."""
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_editable(session, context, task_id) if task_id is not None else None
    return _form_again(course, task, [problem])


@bp.route("/course/<int:course_id>/tasks/new", methods=["GET", "POST"])
@require(*TEACHING)
@once
@redrawn_when_expired(_task_sent_again)
def new_task(course_id: int) -> Page:
    session = db_session()
    course, context = _context(session, course_id)
    if request.method == "GET":
        return render_template("teacher/tasks/form.html", course=course, task=None,
                               form={"scope": "course"}, asked_artifacts=[],
                               file_groups=ordered(FileGroup), problems=[], **_choices())
    try:
        task = library.create_task(session, context, _draft())
    except InvalidTask as exc:
        return _form_again(course, None, [message_text(p) for p in exc.problems])
    # "saved" also tells a picker open in another window to show the new task.
    return redirect(url_for("teacher.edit_task", course_id=course_id, task_id=task.id, saved=1))


@bp.route("/course/<int:course_id>/tasks/<int:task_id>", methods=["GET", "POST"])
@require(*TEACHING)
@_refusals
@redrawn_when_expired(_task_sent_again)
def edit_task(course_id: int, task_id: int) -> Page:
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_visible(session, context, task_id)
    if request.method == "POST":
        try:
            library.update_task(session, context, task_id, _draft())
        except InvalidTask as exc:
            return _form_again(course, task, [message_text(p) for p in exc.problems])
        return redirect(url_for("teacher.edit_task", course_id=course_id, task_id=task_id,
                                    saved=1))
    editable = library.can_edit(context, task)
    # Placements of this course that open the shared task as it is (placed before the picker
    # placed copies) are offered this course's own copy, so their task can be changed.
    offers = [] if editable else links_opening(session, course_id, task_id)
    return render_template(
        "teacher/tasks/form.html", course=course, task=task, form=_fields(task),
        asked_artifacts=task.asked_artifacts, file_groups=task.file_groups, problems=[],
        editable=editable, offers=offers,
        own_copy=library.own_copy_of(session, context, task) if offers else None,
        now_own_copy=bool(request.args.get("own_copy")),
        in_use=versions.is_in_use(session, task), saved=bool(request.args.get("saved")),
        rubric=library.rubric_of(task), **_choices())


@bp.post("/course/<int:course_id>/tasks/<int:task_id>/copy")
@require(*TEACHING)
@once
@_refusals
def copy_task(course_id: int, task_id: int) -> Page:
    session = db_session()
    _, context = _context(session, course_id)
    source = library.get_visible(session, context, task_id)
    copy = library.copy_task(session, context, task_id,
                             title=gettext("%(title)s (copy)", title=source.title))
    return redirect(url_for("teacher.edit_task", course_id=course_id, task_id=copy.id))


def _alignments_sent_again(problem: str, course_id: int, task_id: int) -> Page:
    """The alignments page again, the alignment as it was sent (type, weight), saying why."""
    session = db_session()
    course, context = _context(session, course_id)
    return _alignments_page(course, library.get_editable(session, context, task_id), [problem])


@bp.route("/course/<int:course_id>/tasks/<int:task_id>/alignments", methods=["GET", "POST"])
@require(*TEACHING)
@once
@_refusals
@redrawn_when_expired(_alignments_sent_again)
def task_alignments(course_id: int, task_id: int) -> Page:
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_editable(session, context, task_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            library.align(session, context, task_id, request.form.get("item_id", 0, type=int),
                          AlignmentType(request.form.get("alignment_type", "")),
                          _float(request.form.get("weight", "1")))
            return redirect(url_for("teacher.task_alignments", course_id=course_id,
                                        task_id=task_id))
        except ValueError as exc:  # TaskError, or an unknown alignment type
            session.rollback()
            problems.append(refusal_text(exc) if isinstance(exc, TaskError)
                            else gettext("Choose how the task is aligned: teaches, assesses, "
                                         "builds or introduces."))
    return _alignments_page(course, task, problems)


def _alignments_page(course: Course, task: Task, problems: list[str]) -> Page:
    query = request.args.get("q", "").strip()
    hits = item_search.search(db_session(), query, limit=20).entries if query else []
    status = 422 if problems else 200
    return render_template("teacher/tasks/alignments.html", course=course, task=task, query=query,
                           hits=hits, problems=problems, form=request.form, **_choices()), status


@bp.post("/course/<int:course_id>/tasks/<int:task_id>/alignments/<int:alignment_id>/remove")
@require(*TEACHING)
@_refusals
def remove_alignment(course_id: int, task_id: int, alignment_id: int) -> Page:
    session = db_session()
    _, context = _context(session, course_id)
    try:
        library.unalign(session, context, task_id, alignment_id)
    except TaskError as exc:
        if isinstance(exc, (TaskNotFound, TaskReadOnly)):
            raise
        return error_page(404, refusal_text(exc))
    return redirect(url_for("teacher.task_alignments", course_id=course_id, task_id=task_id))


def _rubric_sent_again(problem: str, course_id: int, task_id: int) -> Page:
    """The rubric builder again, every row as it was sent, saying why."""
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_editable(session, context, task_id)
    form = request.form.to_dict()
    return _rubric_page(course, task, _as_typed(form, _items_of),
                        rubric_builder.rows_from_form(form, _items_of), problems=[problem])


@bp.route("/course/<int:course_id>/tasks/<int:task_id>/rubric", methods=["GET", "POST"])
@require(*TEACHING)
@_refusals
@redrawn_when_expired(_rubric_sent_again)
def task_rubric(course_id: int, task_id: int) -> Page:
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_editable(session, context, task_id)
    problems: list[str] = []
    rubric = library.rubric_of(task)
    rows = rubric_builder.rows_of(rubric, with_worth=True)
    edited = False
    if request.method == "POST":
        form = request.form
        if form.get("edit"):
            # An edit button: the rows as typed, changed, shown again; nothing is saved.
            try:
                rows = rubric_builder.apply_edit(
                    rubric_builder.rows_from_form(form.to_dict(), _items_of), form["edit"])
            except rubric_builder.UnknownEdit:
                abort(400)
            edited = True
            rubric = _as_typed(form.to_dict(), _items_of)
        else:
            try:
                rubric = parse_rubric(form.to_dict(), _items_of)
                library.set_rubric(session, context, task_id, rubric)
                return redirect(url_for("teacher.task_rubric", course_id=course_id,
                                            task_id=task_id, saved=1))
            except (RubricError, TaskError) as exc:
                session.rollback()
                problems.append(refusal_text(exc))
                rubric = _as_typed(form.to_dict(), _items_of)
                rows = rubric_builder.rows_from_form(form.to_dict(), _items_of)
    return _rubric_page(course, task, rubric, rows, problems=problems, edited=edited)


def _items_of(i: int) -> list[str]:
    """The competencies the builder's criterion ``i`` was sent assessing."""
    return request.form.getlist(f"c{i}-items")


def _rubric_page(course: Course, task: Task, rubric: Rubric | None,
                 rows: list[rubric_builder.CriterionRow], *, problems: list[str],
                 edited: bool = False) -> Page:
    status = 422 if problems else 200
    return render_template(
        "teacher/tasks/rubric.html", course=course, task=task, rubric=rubric,
        competencies=_competency_labels(task), rows=rows, edited=edited,
        problems=problems, starter_names=starters.names(), starter_titles=_starter_titles(),
        chosen_starter=request.args.get("starter", ""),
        saved=bool(request.args.get("saved")), max_levels=MAX_LEVELS,
        in_use=versions.is_in_use(db_session(), task)), status


@bp.post("/course/<int:course_id>/tasks/<int:task_id>/rubric/starter")
@require(*TEACHING)
@once
@_refusals
def use_starter(course_id: int, task_id: int) -> Page:
    session = db_session()
    _, context = _context(session, course_id)
    try:
        library.use_starter_rubric(session, context, task_id, request.form.get("starter", ""))
    except TaskError as exc:
        if isinstance(exc, (TaskNotFound, TaskReadOnly)):
            raise
        return error_page(400, refusal_text(exc))
    return redirect(url_for("teacher.task_rubric", course_id=course_id, task_id=task_id,
                                saved=1, starter=request.form.get("starter", "")))


@bp.get("/course/<int:course_id>/tasks/<int:task_id>/preview/<audience>")
@require(*TEACHING)
@_refusals
def preview_task(course_id: int, task_id: int, audience: str) -> Page:
    if audience not in ("student", "employer"):
        abort(404)
    session = db_session()
    course, context = _context(session, course_id)
    task = library.get_visible(session, context, task_id)
    rubric = library.rubric_of(task)
    # The employer's own rating fields, disabled: nothing chosen, no link, no rating row.
    fields = (RatingFields(rubric, ratings.policy_for(session, task.id), disabled=True)
              if rubric is not None and audience == "employer" else None)
    return render_template("teacher/tasks/preview.html", course=course, task=task,
                           audience=audience, fields=fields,
                           view=task_view(session, task), **_choices())


def _starter_titles() -> dict[str, str]:
    """The starter rubrics' names in the page's language (the files are named in English)."""
    return {"career-awareness-reflection": gettext("Career awareness reflection"),
            "employability-skills": gettext("Employability skills")}


def _draft() -> Any:
    """The task form as a draft, its dates read in the course's time zone."""
    principal = current_principal()
    if principal is not None and principal.course_id is not None:
        # A course with no zone yet takes the zone of the browser typing its first dates.
        course_time.adopt_browser_zone(db_session(), principal.course_id,
                                       request.form.get("browser_time_zone"))
        g.pop("course_zone", None)
    return parse_draft(request.form.to_dict(), _asked_artifacts(),
                       tz=course_time.page_zone(), file_groups=request.form.getlist("file_groups"),
                       file_limit=_file_limit())


def _asked_artifacts() -> list[str]:
    """The ticked kinds of artifact. A form loaded before the field was renamed (open in a tab
    while Worklink was updated) still sends them as "evidence"; it never sends both names."""
    return request.form.getlist("asked_artifacts") or request.form.getlist("evidence")


def _form_again(course: Course, task: Task | None, problems: list[str]) -> tuple[str, int]:
    db_session().rollback()
    return render_template("teacher/tasks/form.html", course=course, task=task,
                           form=request.form.to_dict(), asked_artifacts=_asked_artifacts(),
                           file_groups=request.form.getlist("file_groups"),
                           problems=problems, editable=True,
                           in_use=False, saved=False,
                           rubric=library.rubric_of(task) if task else None, **_choices()), 422


def _fields(task: Task) -> dict[str, str]:
    return {
        "title": task.title, "description": task.description_html, "stage": task.stage,
        "experience_type": task.experience_type, "experience_other": task.experience_other or "",
        "career_cluster": task.career_cluster or "", "pathway": task.pathway or "",
        "expected_hours": f"{task.expected_hours:g}" if task.expected_hours is not None else "",
        "opens_at": course_time.as_local_input(task.opens_at, course_time.page_zone()),
        "due_at": course_time.as_local_input(task.due_at, course_time.page_zone()),
        "employer_scored": "on" if task.employer_scored else "", "scope": task.scope,
        "max_file_mb": (f"{task.file_max_bytes / MEGABYTE:g}" if task.file_max_bytes is not None
                        else ""),
    }


def _competency_labels(task: Task) -> dict[str, str]:
    """Competencies a criterion may assess: the task's alignments, then any its rubric names."""
    items = [a.item for a in task.alignments]
    if task.rubric is not None:
        items += [item for criterion in task.rubric.criteria for item in criterion.items]
    return {item.identifier: " ".join(p for p in (item.human_coding_scheme,
                                                  item.abbreviated_statement
                                                  or item.full_statement) if p)
            for item in items}


def _as_typed(form: dict[str, str], items_of: Callable[[int], list[str]]) -> Rubric:
    """What the teacher typed, kept for the form even though it did not pass the checks."""
    criteria = []
    for i in range(30):
        levels = tuple(Level(form.get(f"c{i}-l{j}-label", ""), _float(form.get(
            f"c{i}-l{j}-points", ""), default=0.0), form.get(f"c{i}-l{j}-description", ""))
            for j in range(MAX_LEVELS)
            if any(form.get(f"c{i}-l{j}-{part}") for part in ("label", "points", "description")))
        name = form.get(f"c{i}-name", "")
        if name or levels:
            criteria.append(Criterion(name, levels, form.get(f"c{i}-description", ""),
                                      _float(form.get(f"c{i}-weight", "1"), default=1.0),
                                      tuple(items_of(i))))
    return Rubric(form.get("title", ""), tuple(criteria), form.get("description", ""))


def _float(raw: str | None, default: float = float("nan")) -> float:
    try:
        return float(raw or "")
    except ValueError:
        return default


def _enum(kind: Any, value: str | None, problems: list[str]) -> Any:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        problems.append(gettext("“%(value)s” is not a filter this library knows; it was ignored.",
                                value=value))
        return None
