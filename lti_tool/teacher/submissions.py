"""The teacher's side of students' work: a placed task's submissions, one submission with its
versions, scoring its rubric or returning it for revision, and the placed task's switches
(closed, reflection prompts). A form whose token had expired (Worklink launched again in another
tab) comes back as it was sent (:func:`lti_tool.csrf.redrawn_when_expired`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.scoring import moderation
from competencies.scoring.finals import Work, final_for
from competencies.scoring.model import FinalScore
from competencies.scoring.ratings import Choice, ScoringError
from competencies.tasks import versions as versions_of_tasks
from competencies.tasks.model import TaskVersion
from competencies.work import handing_in
from competencies.work.model import (
    Artifact,
    ExperienceSurvey,
    PlacedTaskWork,
)
from competencies.work.submissions import WorkRefused
from competencies.work.vocabulary import HoursConfirmation, Recommendation, Status
from lti_tool.class_list import class_list
from lti_tool.class_work import ClassWork, class_work, submission_status_with
from lti_tool.course_time import page_zone
from lti_tool.csrf import redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.employer.page import NOT_OBSERVED, choices_from_form
from lti_tool.grades.from_scoring import GradebookPublisher
from lti_tool.i18n import format_day, format_number, refusal_text, translate
from lti_tool.models import Course, User
from lti_tool.security import current_principal, require
from lti_tool.teacher.employer_common import course_context, teacher_actor
from lti_tool.teacher.views import TEACHING, bp
from lti_tool.work_access import placed_task, staff_submission

Page = Any
PROMPTS_MAX = 10
PROMPT_MAX = 500


def _course(session: Session, course_id: int) -> Course:
    return session.get(Course, course_id) or abort(404)


def _labels() -> dict[str, Any]:
    return {"status_labels": {s.value: translate(s.label) for s in Status},
            "confirmation_labels": {c.value: translate(c.label) for c in HoursConfirmation},
            "recommend_labels": {r.value: translate(r.label) for r in Recommendation},
            "statuses": list(Status)}


@bp.get("/course/<int:course_id>/placed/<int:link_id>/submissions")
@require(*TEACHING)
def task_submissions(course_id: int, link_id: int) -> Page:
    session = db_session()
    course = _course(session, course_id)
    placed = placed_task(session, course_id, link_id)
    listed = class_list(session.connection(), course_id, fetch=True)
    work = class_work(session, placed, utcnow(), listed.not_opened)
    return render_template("teacher/submissions.html", course=course, work=work,
                           class_list=listed, saved=request.args.get("saved"), problems=[],
                           form={}, **_row_texts(work), **_labels())


def _row_texts(work: ClassWork) -> dict[str, Any]:
    """Each row's day and hours as text, formatted once per distinct value: a class hands in on
    a few days and logs a few distinct totals, and locale formatting is the page's main cost."""
    zone = page_zone()
    days: dict[dt.date, str] = {}
    numbers: dict[float, str] = {}
    handed, hours = {}, {}
    for row in work.rows:
        if row.handed_in_at is not None:
            day = row.handed_in_at.astimezone(zone).date()
            handed[row.student_id] = days.get(day) or days.setdefault(day, format_day(day))
        hours[row.student_id] = numbers.get(row.hours) or numbers.setdefault(
            row.hours, format_number(row.hours))
    return {"handed_texts": handed, "hours_texts": hours}


def _settings_again(problem: str, course_id: int, link_id: int) -> Page:
    """The submissions page again, its settings form as it was sent, saying why."""
    session = db_session()
    course = _course(session, course_id)
    listed = class_list(session.connection(), course_id, fetch=False)
    work = class_work(session, placed_task(session, course_id, link_id), utcnow(),
                      listed.not_opened)
    return render_template("teacher/submissions.html", course=course, work=work,
                           class_list=listed, saved=None, problems=[problem],
                           form=request.form, **_row_texts(work), **_labels()), 422


@bp.post("/course/<int:course_id>/placed/<int:link_id>/settings")
@require(*TEACHING)
@redrawn_when_expired(_settings_again)
def placed_settings(course_id: int, link_id: int) -> Page:
    """Close or reopen the task for students, and set the reflection prompts."""
    session = db_session()
    placed_task(session, course_id, link_id)  # 404 for another course's link
    prompts = [line.strip() for line in request.form.get("prompts", "").splitlines()
               if line.strip()]
    problem = None
    if len(prompts) > PROMPTS_MAX:
        problem = gettext("Give at most %(max)s prompts.", max=PROMPTS_MAX)
    elif any(len(p) > PROMPT_MAX for p in prompts):
        problem = gettext("Keep each prompt under %(max)s characters.", max=PROMPT_MAX)
    if problem:
        return _settings_again(problem, course_id, link_id)
    settings = session.get(PlacedTaskWork, link_id)
    if settings is None:
        settings = PlacedTaskWork(resource_link_id=link_id)
        session.add(settings)
    now = utcnow()
    closing = request.form.get("closed") == "1"
    if closing and settings.closed_at is None:
        settings.closed_at = now
    elif not closing:
        settings.closed_at = None
    settings.reflection_prompts = prompts
    settings.updated_at = now
    session.commit()
    return redirect(url_for("teacher.task_submissions", course_id=course_id, link_id=link_id,
                            saved=1), code=303)


@bp.get("/course/<int:course_id>/submissions/<int:submission_id>")
@require(*TEACHING)
def submission(course_id: int, submission_id: int) -> Page:
    return _render_submission(course_id, submission_id)


def _render_submission(course_id: int, submission_id: int, *, problems: list[str] | None = None,
                       problem_field: str = "comment", comment: str = "",
                       score_form: Mapping[str, str] | None = None, status: int = 200) -> Page:
    """The submission page; ``score_form``, a score form as it was sent, fills the rubric in
    place of the final score's levels, and ``comment`` the return form."""
    session = db_session()
    course, context = course_context(session, course_id)
    principal = current_principal()
    assert principal is not None
    found = staff_submission(session, principal, submission_id)
    placed = placed_task(session, course_id, found.resource_link_id)
    student = session.get(User, found.student_id)
    everything = list(session.scalars(select(Artifact).where(
        Artifact.submission_id == found.id).order_by(Artifact.id)))
    surveys = {s.version_id: s for s in session.scalars(select(ExperienceSurvey).where(
        ExperienceSurvey.version_id.in_([v.id for v in found.versions])))}
    versions = [(v, _by_kind(a for a in everything if a.in_version(v.number)), surveys.get(v.id))
                for v in reversed(found.versions)]
    work = Work.of_submission(session, found, context.registration_id)
    final = final_for(session, work)
    shown = submission_status_with(session, found, placed.task.employer_scored, final)
    return render_template(
        "teacher/submission.html", course=course, submission=found, placed=placed,
        student=student, versions=versions, problems=problems or [],
        problem_field=problem_field, comment=comment, score_form=score_form,
        status_value=shown.value, saved=request.args.get("saved"),
        returnable=found.state == "submitted", **_scoring(session, work, final),
        **_labels()), status


def _scoring(session: Session, work: Work, final: FinalScore | None) -> dict[str, Any]:
    """The submission page's scoring: the rubric of the version the work answers, the final
    score as it stands (its levels prefill a re-score, unless a refused form is shown again),
    and the employers' ratings of the same work waiting for moderation, through any of the
    student's placements for it (scoring here supersedes them all)."""
    assert work.submission is not None
    version = session.get(TaskVersion, work.submission.task_version_id)
    rubric = versions_of_tasks.rubric_of(version) if version is not None else None
    choices = {c.criterion: Choice(c.level, c.comment) for c in final.criteria} \
        if final is not None else {}
    return {"rubric": rubric, "final": final, "waiting": moderation.waiting(session, work),
            "not_observed": NOT_OBSERVED,
            "chosen": {name: c.level if c.level is not None else NOT_OBSERVED
                       for name, c in choices.items()},
            "comments": {name: c.comment for name, c in choices.items()}}


def _score_again(problem: str, course_id: int, submission_id: int) -> Page:
    """The submission page again, the score form as it was sent (levels and comments)."""
    return _render_submission(course_id, submission_id, problems=[problem],
                              problem_field="score-heading", score_form=request.form,
                              status=422)


def _return_again(problem: str, course_id: int, submission_id: int) -> Page:
    """The submission page again, the return form holding the comment as it was sent."""
    return _render_submission(course_id, submission_id, problems=[problem],
                              comment=request.form.get("comment", ""), status=422)


@bp.post("/course/<int:course_id>/submissions/<int:submission_id>/score")
@require(*TEACHING)
@redrawn_when_expired(_score_again)
def score_submission(course_id: int, submission_id: int) -> Page:
    """The teacher scores the rubric from the work handed in: final at once, to the gradebook
    and as evidence, as a moderated rating is (no placement needed)."""
    session = db_session()
    _, context = course_context(session, course_id)
    principal = current_principal()
    assert principal is not None
    found = staff_submission(session, principal, submission_id)
    placed_task(session, course_id, found.resource_link_id)  # 404 for another course's link
    choices = choices_from_form(request.form)
    try:
        moderation.score_submission(session, found, context.registration_id,
                                    teacher_actor(session), choices,
                                    publisher=GradebookPublisher())
    except ScoringError as exc:
        session.rollback()
        return _score_again(refusal_text(exc), course_id, submission_id)
    return redirect(url_for("teacher.submission", course_id=course_id,
                            submission_id=submission_id, saved="scored"), code=303)


def _by_kind(artifacts: Any) -> dict[str, list[Artifact]]:
    grouped: dict[str, list[Artifact]] = {}
    for artifact in artifacts:
        grouped.setdefault(artifact.kind, []).append(artifact)
    return grouped


@bp.post("/course/<int:course_id>/submissions/<int:submission_id>/return")
@require(*TEACHING)
@redrawn_when_expired(_return_again)
def return_submission(course_id: int, submission_id: int) -> Page:
    session = db_session()
    principal = current_principal()
    assert principal is not None
    found = staff_submission(session, principal, submission_id)
    teacher = session.get(User, principal.user_id) if principal.user_id else None
    comment = request.form.get("comment", "")
    try:
        handing_in.return_for_revision(session, found, comment,
                                       teacher.display_name if teacher else "", utcnow())
    except WorkRefused as exc:
        session.rollback()
        return _return_again(refusal_text(exc), course_id, submission_id)
    session.commit()
    return redirect(url_for("teacher.submission", course_id=course_id,
                            submission_id=submission_id, saved=1), code=303)
