"""The teacher moderates employer ratings, scores rubrics directly, and reads the audit log.

A refused form comes back as it was sent, levels, reasons and note; so does one whose token had
expired (Worklink launched again in another tab: :func:`lti_tool.csrf.redrawn_when_expired`).
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies.audit import course_events
from competencies.messages import N_
from competencies.partners import links
from competencies.partners.directory import PartnerError
from competencies.partners.model import Placement
from competencies.partners.placements import get_placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.model import FinalScore, RubricRating
from competencies.scoring.moderation import Adjustment
from competencies.scoring.ratings import ScoringError
from competencies.scoring.vocabulary import RatingStatus
from competencies.tasks import library
from competencies.tasks.model import Task, TaskVersion
from competencies.tasks.rubric import Rubric
from lti_tool.audit_lines import event_lines
from lti_tool.csrf import redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.employer.page import NOT_OBSERVED, choices_from_form
from lti_tool.grades.from_scoring import GradebookPublisher
from lti_tool.i18n import refusal_text
from lti_tool.models import User
from lti_tool.security import require
from lti_tool.teacher.employer_common import course_context, teacher_actor
from lti_tool.teacher.views import TEACHING, bp
from lti_tool.web import error_page

Page = str | tuple[str, int] | WerkzeugResponse


@bp.get("/course/<int:course_id>/ratings")
@require(*TEACHING)
def pending_ratings(course_id: int) -> Page:
    session = db_session()
    course, _ = course_context(session, course_id)
    waiting = moderation.pending(session, course_id)
    names = {r.id: _student(r) for r in waiting}
    return render_template("teacher/employers/ratings.html", course=course, waiting=waiting,
                           names=names, tasks=_task_titles(waiting))


def _moderation_page(problem: str | None, course_id: int, placement_id: int) -> Page:
    """The placement's rating page: the rating waiting for moderation, scoring directly, the
    task's policy; the form that was sent holds what it was sent with when ``problem`` says why
    it was not saved."""
    session = db_session()
    course, context = course_context(session, course_id)
    try:
        placement = get_placement(session, context, placement_id)
    except PartnerError as exc:
        return error_page(404, refusal_text(exc))
    pending, _, rubric = _pending(placement)
    student = session.get(User, placement.student_id)
    final = moderation.final_score(session, placement)
    return render_template(
        "teacher/employers/moderate.html", course=course, placement=placement, student=student,
        rubric=rubric, pending=pending, final=final, final_key=_key_of(final),
        waiting=moderation.waiting(session, Work.of_placement(session, placement)),
        policy=ratings.policy_for(session, placement.task_id),
        problems=[problem] if problem else [],
        policy_editable=library.can_edit(context, library.get_visible(session, context,
                                                                      placement.task_id)),
        not_observed=NOT_OBSERVED, done=request.args.get("done"),
        employer={c.criterion: c for c in pending.criteria} if pending else {},
        form=request.form,
    ), 422 if problem else 200


def _pending(placement: Placement) -> tuple[RubricRating | None, TaskVersion, Rubric]:
    """The employer's rating waiting for moderation, if any, and the task version and rubric
    it is scored on (those of the rating, else of the placement's task)."""
    session = db_session()
    pending = session.scalar(select(RubricRating).where(
        RubricRating.placement_id == placement.id,
        RubricRating.status == RatingStatus.PENDING.value))
    version, rubric = (ratings.rubric_of_rating(session, pending) if pending is not None
                       else ratings.rubric_for(session, placement))
    return pending, version, rubric


@bp.route("/course/<int:course_id>/placements/<int:placement_id>/rating",
          methods=["GET", "POST"])
@require(*TEACHING)
@redrawn_when_expired(_moderation_page)
def moderate(course_id: int, placement_id: int) -> Page:
    if request.method == "GET":
        return _moderation_page(None, course_id, placement_id)
    session = db_session()
    _, context = course_context(session, course_id)
    try:
        placement = get_placement(session, context, placement_id)
    except PartnerError as exc:
        return error_page(404, refusal_text(exc))
    pending, version, rubric = _pending(placement)
    actor = teacher_actor(session)
    action = request.form.get("action")
    try:
        if action == "policy":
            ratings.set_policy(
                session, context, placement.task_id,
                accept_employer_ratings=request.form.get("accept_employer_ratings") == "1",
                comment_required_for_lowest=request.form.get("lowest_comment") == "1")
        elif action in ("accept", "send_back") and pending is None:
            raise ScoringError(N_("There is no employer rating waiting for moderation."))
        elif action == "accept" and pending is not None:
            shown = request.form.get("replaces")
            if shown is not None and shown != _key_of(moderation.final_score(session, placement)):
                raise ScoringError(STALE_ACCEPT)
            moderation.accept(session, pending, rubric, actor, _adjustments(pending),
                              publisher=GradebookPublisher())
        elif action == "send_back" and pending is not None:
            moderation.send_back(session, pending, actor, request.form.get("note", ""))
            links.reopen(session, placement.id, pending.supervisor_id)
            session.commit()
        elif action == "score":
            moderation.score_directly(session, Work.of_placement(session, placement),
                                      version, rubric, actor, choices_from_form(request.form),
                                      publisher=GradebookPublisher())
        else:
            raise ScoringError(N_("Choose what to do with this rating."))
    except ScoringError as exc:
        session.rollback()
        return _moderation_page(refusal_text(exc), course_id, placement_id)
    return redirect(url_for("teacher.moderate", course_id=course_id,
                            placement_id=placement_id, done=action))


@bp.get("/course/<int:course_id>/audit")
@require(*TEACHING)
def audit(course_id: int) -> Page:
    session = db_session()
    course, context = course_context(session, course_id)
    return render_template("teacher/employers/audit.html", course=course,
                           events=event_lines(session, course_events(
                               session, context.registration_id, course.id)))


STALE_ACCEPT = N_("The final score of this work was decided since this page was opened, so "
                  "nothing was saved. Read it above, and accept this rating again if it should "
                  "replace it.")


def _key_of(final: FinalScore | None) -> str:
    """Which decision the final score is: a later one replaces it in place, so by when."""
    return final.decided_at.isoformat() if final is not None else ""


def _adjustments(pending: RubricRating) -> dict[str, Adjustment]:
    """Only criteria whose chosen level differs from the employer's count as adjusted."""
    found: dict[str, Adjustment] = {}
    employer = {c.criterion: c.level for c in pending.criteria}
    for name, choice in choices_from_form(request.form).items():
        if name in employer and choice.level != employer[name]:
            found[name] = Adjustment(choice.level, request.form.get(f"reason:{name}", ""))
        elif name not in employer:
            found[name] = Adjustment(choice.level, request.form.get(f"reason:{name}", ""))
    return found


def _task_titles(waiting: list[RubricRating]) -> dict[int, str]:
    """The task each waiting rating is for, by rating id: the list names it beside the student."""
    if not waiting:
        return {}
    return {rating_id: title for rating_id, title in db_session().execute(
        select(RubricRating.id, Task.title)
        .join(Placement, Placement.id == RubricRating.placement_id)
        .join(Task, Task.id == Placement.task_id)
        .where(RubricRating.id.in_([r.id for r in waiting])))}


def _student(rating: RubricRating) -> str:
    placement = db_session().get(Placement, rating.placement_id)
    user = db_session().get(User, placement.student_id) if placement else None
    return user.display_name if user else ""

