"""The student's work on a placed task: add links, hours and a reflection, hand it in.

Forms about the task are addressed by the placed task (its resource link): the student's own
submission is found or started from who is signed in, never from an id in the form. Pages that
name a submission by id answer 404 for anyone else's (:mod:`lti_tool.work_access`). A refused
form comes back with what the student typed and an error summary linked to the field at fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.work import entries, handing_in, hours, submissions, voice
from competencies.work.model import Submission
from competencies.work.submissions import PlacedTask, WorkRefused
from competencies.work.vocabulary import HoursConfirmation, Recommendation, Status
from lti_tool.course_time import page_zone
from lti_tool.csrf import FormExpired, once, redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.form_problems import Problem
from lti_tool.i18n import format_number, parse_decimal, refusal_text, translate
from lti_tool.models import Course, User
from lti_tool.page_context import CourseView, PersonView
from lti_tool.security import Principal, Role, current_principal, require
from lti_tool.student.views import bp
from lti_tool.student.work_page import work_page
from lti_tool.work_access import own_submission, placed_task

Page = Any
_T = TypeVar("_T")

FORM_FIELDS: dict[str, dict[str | None, str]] = {
    "links": {"url": "link-url", "title": "link-title"},
    "hours": {"work_date": "hours-date", "starts_at": "hours-start", "ends_at": "hours-end",
              "hours": "hours-hours", "activity": "hours-activity", "stage": "hours-stage",
              "site": "hours-site"},
    "reflection": {"reflection": "reflection"},
    "submit": {"learned": "survey-learned", "recommend": "survey-recommend-yes",
               "ratings": "survey-rating_experience-1", None: "submit-button"},
    "pathway": {"pathway": "pathway"},
}
"""Each form's fields by the name the domain gives them, to the id of the input on the page."""

FORM_SECTIONS = {"links": "links", "hours": "hours_log", "reflection": "reflection-section",
                 "submit": "submit", "pathway": "pathway-section"}
"""Where each form stands on the page: what a problem with the whole form links to."""


def render_task_page(placed: PlacedTask, course: Course | CourseView | None,
                     user: User | PersonView | None, student_id: int, *,
                     problems: list[Problem] | None = None, form: dict[str, str] | None = None,
                     saved: str | None = None, status: int = 200) -> tuple[str, int]:
    session = db_session()
    page = work_page(session, placed, student_id, utcnow())
    session.commit()  # the first view froze the task version
    return render_template(
        "student/task.html", page=page, view=page.view, course=course, user=user,
        problems=problems or [], form=form or {}, saved=saved,
        today=_today().isoformat(), missing_labels=[translate(k.label) for k in page.missing],
        status_label=translate(page.status.label), status_value=page.status.value,
        confirmation_labels={c.value: translate(c.label) for c in HoursConfirmation},
        recommend_choices=[(r.value, translate(r.label)) for r in Recommendation],
        stage_labels={s.value: translate(s.label) for s in page.stages},
        statuses=Status), status


def render_student_task_page(placed: PlacedTask, course: CourseView | None,
                             user: PersonView | None, student_id: int) -> str:
    """The launch's own page for a student opening a placed task."""
    return render_task_page(placed, course, user, student_id)[0]


def _today() -> dt.date:
    return dt.datetime.now(page_zone()).date()


def _asker(course_id: int) -> tuple[Session, Principal, Course, User]:
    session = db_session()
    principal = current_principal()
    assert principal is not None and principal.user_id is not None
    course = session.get(Course, course_id) or abort(404)
    user = session.get(User, principal.user_id) or abort(404)
    return session, principal, course, user


def _change(course_id: int, link_id: int, form_name: str,
            act: Callable[[Session, Submission, dt.datetime], object]) -> Page:
    """Run one change to the student's own work; on refusal, the page again with the reason."""
    session, principal, course, user = _asker(course_id)
    placed = placed_task(session, course_id, link_id)
    now = utcnow()
    try:
        submission = submissions.open_submission(session, placed, user.id, now)
        act(session, submission, now)
    except WorkRefused as exc:
        session.rollback()  # nothing of a refused form is kept, not even a new submission
        fields = FORM_FIELDS[form_name]
        field_id = fields.get(exc.field) or next(iter(fields.values()))
        message = _missing_text(exc) if isinstance(exc, handing_in.MissingItems) \
            else refusal_text(exc)
        return render_task_page(placed, course, user, user.id,
                                problems=[Problem(message, field_id)],
                                form=request.form.to_dict(), status=422)
    session.commit()
    return redirect(url_for("student.task", course_id=course_id, link_id=link_id,
                            saved=form_name) + "#" + form_name, code=303)


def _sent_again(form_name: str) -> Callable[..., Page]:
    """The task page again with one form as it was sent, saying why nothing was saved (its
    token had expired)."""

    def redraw(problem: str, course_id: int, link_id: int) -> Page:
        session, _principal, course, user = _asker(course_id)
        placed = placed_task(session, course_id, link_id)
        return render_task_page(placed, course, user, user.id,
                                problems=[Problem(problem, FORM_SECTIONS[form_name])],
                                form=request.form.to_dict(), status=422)

    return redraw


def _missing_text(exc: handing_in.MissingItems) -> str:
    return str(gettext("Before handing in, add what the task still asks for: %(items)s.",
                       items=", ".join(translate(kind.label) for kind in exc.kinds)))


@bp.get("/course/<int:course_id>/task/<int:link_id>")
@require(Role.STUDENT)
def task(course_id: int, link_id: int) -> Page:
    session, _principal, course, user = _asker(course_id)
    placed = placed_task(session, course_id, link_id)
    return render_task_page(placed, course, user, user.id, saved=request.args.get("saved"))


@bp.post("/course/<int:course_id>/task/<int:link_id>/submission")
@require(Role.STUDENT)
def start_submission(course_id: int, link_id: int) -> Page:
    """The student's own submission for the placed task, started if need be, as JSON: what a
    script on the page (the upload widget) attaches files to before the first file goes.

    ``{"submission_id": 12}``; a closed task or work handed in answers 409 with the sentence.
    """
    session, _principal, _course, user = _asker(course_id)
    placed = placed_task(session, course_id, link_id)
    try:
        submission = submissions.open_submission(session, placed, user.id, utcnow())
        submissions.check_editable(session, submission)
    except WorkRefused as exc:
        session.rollback()
        return jsonify({"error": refusal_text(exc)}), 409
    session.commit()
    return jsonify({"submission_id": submission.id})


@bp.post("/course/<int:course_id>/task/<int:link_id>/links")
@require(Role.STUDENT)
@once
@redrawn_when_expired(_sent_again("links"))
def add_link(course_id: int, link_id: int) -> Page:
    form = request.form
    return _change(course_id, link_id, "links", lambda s, sub, now: entries.add_link(
        s, sub, form.get("url", ""), form.get("title", ""), now))


@bp.post("/course/<int:course_id>/task/<int:link_id>/hours")
@require(Role.STUDENT)
@once
@redrawn_when_expired(_sent_again("hours"))
def log_hours(course_id: int, link_id: int) -> Page:
    def act(session: Session, submission: Submission, now: dt.datetime) -> None:
        hours.log_hours(session, submission, _hours_entry(), _today(), now)

    return _change(course_id, link_id, "hours", act)


def _hours_entry() -> hours.HoursEntry:
    form = request.form
    return hours.HoursEntry(
        work_date=_parse(form.get("work_date"), dt.date.fromisoformat, "work_date",
                         gettext("Give the date as year-month-day.")),
        starts_at=_parse(form.get("starts_at"), dt.time.fromisoformat, "starts_at",
                         gettext("Give the start time as hours and minutes, like 09:00.")),
        ends_at=_parse(form.get("ends_at"), dt.time.fromisoformat, "ends_at",
                       gettext("Give the end time as hours and minutes, like 13:30.")),
        hours=_parse(form.get("hours"), parse_decimal, "hours",
                     gettext("Give the hours as a number, like %(example)s.",
                             example=format_number(3.5))),
        activity=form.get("activity", ""), stage=form.get("stage") or None,
        site=form.get("site", ""))


def _parse(text: str | None, parse: Callable[[str], _T], field: str, message: str) -> _T | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse(text)
    except ValueError:
        raise WorkRefused("%(message)s", field=field, message=message) from None


@bp.post("/course/<int:course_id>/task/<int:link_id>/reflection")
@require(Role.STUDENT)
@redrawn_when_expired(_sent_again("reflection"))
def save_reflection(course_id: int, link_id: int) -> Page:
    text = request.form.get("reflection", "")
    return _change(course_id, link_id, "reflection",
                   lambda s, sub, now: entries.save_reflection(s, sub, text, now))


@bp.post("/course/<int:course_id>/task/<int:link_id>/submit")
@require(Role.STUDENT)
@once
@redrawn_when_expired(_sent_again("submit"))
def submit(course_id: int, link_id: int) -> Page:
    def act(session: Session, submission: Submission, now: dt.datetime) -> None:
        placed = placed_task(session, course_id, link_id)
        handing_in.submit(session, submission, now, due_at=placed.task.due_at,
                          survey=_survey())

    return _change(course_id, link_id, "submit", act)


def _survey() -> voice.SurveyAnswers:
    form = request.form

    def rating(name: str) -> int | None:
        return _parse(form.get(name), int, "ratings", gettext("Ratings go from 1 to 5."))

    return voice.SurveyAnswers(
        learned=form.get("learned", ""), would_change=form.get("would_change", ""),
        recommend=form.get("recommend") or None,
        rating_experience=rating("rating_experience"), rating_learning=rating("rating_learning"),
        rating_support=rating("rating_support"))


@bp.post("/course/<int:course_id>/submission/<int:submission_id>/artifacts/<int:artifact_id>"
         "/remove")
@require(Role.STUDENT)
def remove_artifact(course_id: int, submission_id: int, artifact_id: int) -> Page:
    # Not drawn again when its token expired: a button, nothing typed to keep; the "form
    # expired" page says to reload and press it again.
    session, principal, course, user = _asker(course_id)
    submission = own_submission(session, principal, submission_id)
    placed = placed_task(session, course_id, submission.resource_link_id)
    try:
        submissions.remove_artifact(session, submission, artifact_id, utcnow())
    except WorkRefused as exc:
        session.rollback()
        return render_task_page(placed, course, user, user.id,
                                problems=[Problem(refusal_text(exc), "your-work")], status=422)
    session.commit()
    return redirect(url_for("student.task", course_id=course_id, link_id=placed.resource_link_id,
                            saved="removed") + "#your-work", code=303)


@bp.get("/course/<int:course_id>/submission/<int:submission_id>")
@require(Role.STUDENT)
def submission(course_id: int, submission_id: int) -> Page:
    """A student's own submission by id (as the LMS or a shared link names it): their task page."""
    session, principal, _course, _user = _asker(course_id)
    found = own_submission(session, principal, submission_id)
    return redirect(url_for("student.task", course_id=course_id, link_id=found.resource_link_id)
                    + "#history", code=303)


def _pathway_sent_again(problem: str, course_id: int) -> Page:
    """The task page the career interest was sent from, holding it as typed."""
    back = request.form.get("link_id", type=int)
    if back is None:
        raise FormExpired()  # no page draws this form without the task it sits on
    return _sent_again("pathway")(problem, course_id, back)


@bp.post("/course/<int:course_id>/pathway")
@require(Role.STUDENT)
@redrawn_when_expired(_pathway_sent_again)
def declare_pathway(course_id: int) -> Page:
    session, _principal, course, user = _asker(course_id)
    back = request.form.get("link_id", type=int)
    try:
        voice.declare_pathway(session, user.id, request.form.get("pathway", ""),
                              request.form.get("cluster"), utcnow())
    except WorkRefused as exc:
        session.rollback()
        if back is None:
            abort(422, refusal_text(exc))
        placed = placed_task(session, course_id, back)
        return render_task_page(placed, course, user, user.id,
                                problems=[Problem(refusal_text(exc), "pathway")],
                                form=request.form.to_dict(), status=422)
    session.commit()
    if back is None:
        return redirect(url_for("student.home", course_id=course_id, saved="pathway"), code=303)
    return redirect(url_for("student.task", course_id=course_id, link_id=back, saved="pathway")
                    + "#pathway", code=303)
