"""The teacher's view of one placement: its employer link (copy, QR, mail status), issue a new
one, revoke it, send its mail again; and issuing links for every placement of the course."""

from __future__ import annotations

import segno
from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies.audit import course_events
from competencies.partners import links
from competencies.partners.directory import PartnerError
from competencies.partners.links import EmployerLink
from competencies.partners.placements import course_placements, get_placement
from competencies.scoring import moderation
from competencies.tasks.model import Task
from lti_tool.audit_lines import event_lines
from lti_tool.config import app_config
from lti_tool.db import db_session
from lti_tool.employer import issuing
from lti_tool.i18n import refusal_text
from lti_tool.mail.outbox import latest_for_links, queue_link_mail
from lti_tool.models import MailStatus, OutboundMail, User
from lti_tool.security import require
from lti_tool.teacher.employer_common import course_context, teacher_actor
from lti_tool.teacher.views import TEACHING, bp
from lti_tool.web import error_page

Page = str | tuple[str, int] | WerkzeugResponse


@bp.get("/course/<int:course_id>/placements/<int:placement_id>")
@require(*TEACHING)
def placement_links(course_id: int, placement_id: int) -> Page:
    session = db_session()
    course, context = course_context(session, course_id)
    try:
        placement = get_placement(session, context, placement_id)
    except PartnerError as exc:
        return error_page(404, refusal_text(exc))
    live = links.active_links(session, placement.id)
    mails = latest_for_links(session, [link.id for link in live])
    shown = []
    for link in live:
        url = issuing.link_url(session, app_config(), link)
        shown.append({"link": link, "state": links.state(link).value, "url": url,
                      "qr": Markup(segno.make(url, error="m").svg_inline(scale=3)),
                      "mail": mails.get(link.id)})
    student = session.get(User, placement.student_id)
    return render_template(
        "teacher/employers/placement.html", course=course, placement=placement,
        student=student, task=session.get(Task, placement.task_id),
        links=shown, final=moderation.final_score(session, placement),
        events=event_lines(session, course_events(session, context.registration_id, course.id,
                                                  placement_id=placement.id, limit=50)),
        issued=request.args.get("issued"))


@bp.post("/course/<int:course_id>/placements/<int:placement_id>/link")
@require(*TEACHING)
def issue_link(course_id: int, placement_id: int) -> Page:
    session = db_session()
    _, context = course_context(session, course_id)
    try:
        placement = get_placement(session, context, placement_id)
    except PartnerError as exc:
        return error_page(404, refusal_text(exc))
    try:
        issuing.issue_link(session, app_config(), placement, teacher_actor(session),
                           send_mail=request.form.get("send_mail") == "1",
                           bind_email=request.form.get("bind_email") == "1")
    except PartnerError as exc:  # the task has no rubric for the employer to rate
        session.rollback()
        return error_page(422, refusal_text(exc))
    return redirect(url_for("teacher.placement_links", course_id=course_id,
                                placement_id=placement_id, issued=1))


@bp.post("/course/<int:course_id>/placements/links")
@require(*TEACHING)
def issue_class_links(course_id: int) -> Page:
    """A link, with its mail queued, for every placement of the course that has none."""
    session = db_session()
    _, context = course_context(session, course_id)
    with_link = set(session.scalars(select(EmployerLink.placement_id).where(
        EmployerLink.course_id == course_id, EmployerLink.revoked_at.is_(None))))
    todo = [p for p in course_placements(session, context) if p.id not in with_link]
    try:
        issuing.issue_links(session, app_config(), todo, teacher_actor(session))
    except PartnerError as exc:  # one placement's task has no rubric: no link goes out
        session.rollback()
        return error_page(422, refusal_text(exc))
    return redirect(url_for("teacher.placements", course_id=course_id, issued=len(todo)))


@bp.post("/course/<int:course_id>/links/<int:link_id>/revoke")
@require(*TEACHING)
def revoke_link(course_id: int, link_id: int) -> Page:
    session = db_session()
    link = _link(course_id, link_id)
    if link is None:
        return error_page(404, gettext("There is no such link in this course."))
    links.revoke(session, link, teacher_actor(session))
    return redirect(url_for("teacher.placement_links", course_id=course_id,
                                placement_id=link.placement_id))


@bp.post("/course/<int:course_id>/links/<int:link_id>/resend")
@require(*TEACHING)
def resend_link(course_id: int, link_id: int) -> Page:
    """Queue the mail again now (the worker sends it; the page does not wait for SMTP)."""
    session = db_session()
    link = _link(course_id, link_id)
    if link is None or links.state(link) is not links.LinkState.USABLE:
        return error_page(409, gettext("Only a link that still works can be mailed again."))
    queue_link_mail(session, link)
    session.commit()
    return redirect(url_for("teacher.placement_links", course_id=course_id,
                                placement_id=link.placement_id))


def _link(course_id: int, link_id: int) -> EmployerLink | None:
    session = db_session()
    _, context = course_context(session, course_id)
    return session.scalar(select(EmployerLink).where(
        EmployerLink.id == link_id, EmployerLink.course_id == course_id,
        EmployerLink.registration_id == context.registration_id))


def undelivered(course_id: int) -> list[OutboundMail]:
    return list(db_session().scalars(select(OutboundMail).where(
        OutboundMail.course_id == course_id, OutboundMail.status == MailStatus.FAILED.value)))
