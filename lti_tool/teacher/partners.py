"""The teacher's partner list (shared by the tenant's courses) and the course's placements.

A refused form comes back as typed; so does one whose token had expired (Worklink launched
again in another tab: :func:`lti_tool.csrf.redrawn_when_expired`), except a class file, which no
page can put back in its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, PartnerError, SupervisorDraft
from competencies.partners.placement_csv import REQUIRED, import_placements
from competencies.partners.placements import PlacementDraft, course_placements, create_placement
from competencies.partners.vocabulary import Language, PartnerKind
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from lti_tool.csrf import redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.form_problems import Problem, row_id
from lti_tool.i18n import LANGUAGE_NAMES, format_number, message_text, parse_decimal, refusal_text
from lti_tool.security import require
from lti_tool.teacher.employer_common import course_context, roster, students
from lti_tool.teacher.views import TEACHING, bp

Page = str | tuple[str, int] | WerkzeugResponse
_T = TypeVar("_T")
MAX_CSV_BYTES = 2 * 1024 * 1024


def _partners_page(problem: str | None, course_id: int) -> Page:
    """The partner list and the form to add one, holding what was sent when ``problem`` says
    why it was not saved."""
    session = db_session()
    course, context = course_context(session, course_id)
    found = directory.search(session, context, words=request.args.get("q", ""),
                             pathway=request.args.get("pathway") or None,
                             include_inactive=request.args.get("all") == "1")
    return render_template("teacher/employers/partners.html", course=course, partners=found,
                           problems=[problem] if problem else [], kinds=list(PartnerKind),
                           form=request.form), 422 if problem else 200


@bp.route("/course/<int:course_id>/partners", methods=["GET", "POST"])
@require(*TEACHING)
@redrawn_when_expired(_partners_page)
def partners(course_id: int) -> Page:
    if request.method == "POST":
        session = db_session()
        _, context = course_context(session, course_id)
        try:
            partner = directory.create_partner(session, context, _partner_draft())
            return redirect(url_for("teacher.partner", course_id=course_id,
                                        partner_id=partner.id))
        except PartnerError as exc:
            session.rollback()
            return _partners_page(refusal_text(exc), course_id)
    return _partners_page(None, course_id)


def _partner_page(problem: str | None, course_id: int, partner_id: int) -> Page:
    """A partner, its supervisors and the form to add one, holding what was sent when
    ``problem`` says why it was not saved."""
    session = db_session()
    course, context = course_context(session, course_id)
    try:
        found = directory.get_partner(session, context, partner_id)
    except PartnerError as exc:
        return render_template("error.html", status=404, title=gettext("Not found"),
                               message=refusal_text(exc)), 404
    return render_template("teacher/employers/partner.html", course=course, partner=found,
                           problems=[problem] if problem else [], kinds=list(PartnerKind),
                           languages=list(Language), language_names=LANGUAGE_NAMES,
                           form=request.form), 422 if problem else 200


@bp.route("/course/<int:course_id>/partners/<int:partner_id>", methods=["GET", "POST"])
@require(*TEACHING)
@redrawn_when_expired(_partner_page)
def partner(course_id: int, partner_id: int) -> Page:
    if request.method == "POST":
        session = db_session()
        _, context = course_context(session, course_id)
        try:
            if request.form.get("action") == "supervisor":
                directory.add_supervisor(session, context, partner_id, SupervisorDraft(
                    name=request.form.get("name", ""), email=request.form.get("email", ""),
                    title=request.form.get("title", ""), phone=request.form.get("phone", ""),
                    language=request.form.get("language", "en")))
            else:
                directory.update_partner(session, context, partner_id, _partner_draft())
            return redirect(url_for("teacher.partner", course_id=course_id,
                                        partner_id=partner_id))
        except PartnerError as exc:
            session.rollback()
            return _partner_page(refusal_text(exc), course_id, partner_id)
    return _partner_page(None, course_id, partner_id)


def _placements_sent_again(problem: str, course_id: int) -> Page:
    """The placements page, the form to place a student holding what was sent. A class file
    cannot come back: no page may fill a file field (the browser's rule, so that a page cannot
    upload a file of its choosing), so the page asks for the file again."""
    upload = request.files.get("csv")
    if upload is not None and upload.filename:
        problem = gettext("This form had expired, so nothing was placed. Choose the file again "
                          "and send it.")
    return _placements_page(course_id, problems=[problem])


@bp.route("/course/<int:course_id>/placements", methods=["GET", "POST"])
@require(*TEACHING)
@redrawn_when_expired(_placements_sent_again)
def placements(course_id: int) -> Page:
    session = db_session()
    _, context = course_context(session, course_id)
    problems: list[str] = []
    located: list[str] = []
    created = 0
    if request.method == "POST":
        upload = request.files.get("csv")
        if upload is not None and upload.filename:
            data = upload.read(MAX_CSV_BYTES + 1)
            if len(data) > MAX_CSV_BYTES:
                problems.append(gettext("The file is larger than 2 MB; split the class into "
                                        "parts."))
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = None
                    problems.append(gettext("The file is not UTF-8 text; save it as “CSV "
                                            "UTF-8”."))
                if text is not None:
                    report = import_placements(session, context, roster(session, course_id),
                                               text)
                    located = [message_text(p.located) for p in report.problems]
                    created = len(report.created)
        else:
            draft = _placement_draft(session, context)
            if isinstance(draft, list):
                return _placements_page(course_id, problems=[], fields=draft)
            try:
                placement = create_placement(session, context, roster(session, course_id),
                                             draft)
                return redirect(url_for("teacher.placement_links", course_id=course_id,
                                            placement_id=placement.id))
            except PartnerError as exc:
                session.rollback()
                problems.append(refusal_text(exc))
    return _placements_page(course_id, problems=problems, located=located, created=created)


def _placements_page(course_id: int, *, problems: list[str], located: list[str] | None = None,
                     created: int = 0, fields: list[Problem] | None = None) -> Page:
    """The placements page; ``problems`` say why nothing was placed, ``fields`` which field of
    the place-a-student form could not be read, and what it needs."""
    session = db_session()
    course, context = course_context(session, course_id)
    tasks = list(session.scalars(library_tasks(context)))
    suppliers = directory.search(session, context, limit=500)
    status = 422 if problems or located or fields else 200
    return render_template(
        "teacher/employers/placements.html", course=course, problems=problems,
        field_problems=fields or [],
        located=located or [], created=created, placements=course_placements(session, context),
        tasks=tasks, partners=suppliers, students=students(session, course_id),
        required=REQUIRED, people={u.id: u.display_name for u in students(session, course_id)},
        task_titles={t.id: t.title for t in tasks}, form=request.form), status


def library_tasks(context: CourseContext) -> Select[Task]:
    return select(Task).where(library.visible_to(context)).order_by(Task.title)


def _partner_draft() -> PartnerDraft:
    form = request.form
    kind = form.get("kind", PartnerKind.EMPLOYER.value)
    return PartnerDraft(
        name=form.get("name", ""), kind=PartnerKind(kind) if kind in set(PartnerKind)
        else kind,  # type: ignore[arg-type]
        sector=form.get("sector", ""), address=form.get("address", ""),
        clusters=_lines(form.get("clusters", "")), pathways=_lines(form.get("pathways", "")),
        notes=form.get("notes", ""), active=form.get("active", "1") == "1")


def _placement_draft(session: Session, context: CourseContext) -> PlacementDraft | list[Problem]:
    """The place-a-student form as a draft, or what each field it cannot read needs."""
    form = request.form
    problems: list[Problem] = []

    def read(field: str, parse: Callable[[str], _T], message: str) -> _T | None:
        try:
            return parse(form.get(field, ""))
        except ValueError:  # a PartnerError too: no supervisor of this school by that id
            problems.append(Problem(message, field))
            return None

    student = read("student_id", row_id, gettext("Choose a student from the list."))
    task = read("task_id", row_id, gettext("Choose a task from the list."))
    supervisor = read("supervisor_id",
                      lambda text: directory.get_supervisor(session, context, row_id(text)),
                      gettext("Choose a partner's supervisor from the list."))
    starts = read("starts_on", _day, gettext("Give the start date as year-month-day, like "
                                             "2026-09-01."))
    ends = read("ends_on", _day, gettext("Give the end date as year-month-day, like "
                                         "2026-12-01."))
    hours = read("expected_hours", lambda text: parse_decimal(text) if text.strip() else None,
                 gettext("Give the expected hours as a number, like %(example)s, or leave them "
                         "blank for the task's.", example=format_number(37.5)))
    if (problems or student is None or task is None or supervisor is None or starts is None
            or ends is None):
        return problems
    return PlacementDraft(student_id=student, partner_id=supervisor.partner_id,
                          supervisor_id=supervisor.id, task_id=task, starts_on=starts,
                          ends_on=ends, expected_hours=hours)


def _day(text: str) -> dt.date:
    """A date as a date field sends it (2026-09-01, whatever the page's language)."""
    return dt.date.fromisoformat(text.strip())


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
