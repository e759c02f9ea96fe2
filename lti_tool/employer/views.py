"""The employer's pages: a supervisor opens a signed link, rates the rubric and signs.

No LMS account, no Worklink account, no password. The link carries its token in the URL
fragment; ``/employer/open`` is a static page whose script posts the token to
``/employer/session`` (so it never appears in a request line or an access log), which checks
it, records that the link was opened and changes nothing else, and keeps it in a first-party
``HttpOnly; SameSite=Strict`` cookie for the pages that follow. Only the supervisor's own submit
uses the link up.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies.audit import Actor, record
from competencies.messages import N_, Refused
from competencies.partners import links
from competencies.scoring import ratings
from competencies.scoring.ratings import ScoringError
from competencies.work import for_supervisor
from competencies.work.model import Artifact
from competencies.work.submissions import WorkRefused
from competencies.work.vocabulary import HoursConfirmation
from lti_tool.config import app_config
from lti_tool.course_time import zone_of
from lti_tool.csrf import exempt_blueprint
from lti_tool.db import db_session
from lti_tool.employer import errors
from lti_tool.employer import page as employer_page
from lti_tool.employer.messages import refusals
from lti_tool.employer.rate_limit import employer_limits
from lti_tool.employer.tokens import LinkRefused, Refusal, Verified, verify
from lti_tool.employer.visit_language import for_page, remember, speak
from lti_tool.grades.from_scoring import GradebookPublisher
from lti_tool.i18n import LANGUAGE_NAMES, refusal_text
from lti_tool.signing import Purpose, signer
from lti_tool.uploads.downloads import signed_url
from lti_tool.web import error_pages_under

bp = Blueprint("employer", __name__, url_prefix="/employer")
# An employer has no Worklink session: the signed link (in the wl_employer cookie) is theirs, and
# each of their forms carries a token bound to that link (_form_token), checked in _from_cookie.
exempt_blueprint(bp)
# Whatever fails at an employer address (a form token, an address no view answers, a bug) is
# said to an employer: ask the teacher for a new link, never "open Worklink from your course".
error_pages_under(bp, errors.error_page)

COOKIE = "wl_employer"
COOKIE_SECONDS = 3 * 3600
_STATUS = {Refusal.TAMPERED: 400, Refusal.EXPIRED: 410, Refusal.REVOKED: 410,
           Refusal.OTHER_TENANT: 403}

Page = str | tuple[str, int] | Response | WerkzeugResponse


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    remember(response, seconds=COOKIE_SECONDS, secure=app_config().secure_cookies)
    return response


@bp.get("/open")
def open_link() -> str:
    """The page the emailed URL opens; its script hands the fragment's token to the server."""
    return _page("employer/open.html", for_page(None))


@bp.post("/session")
def start() -> Page:
    """Check the token: a clear page for a refused one; otherwise remember it and go on."""
    if not employer_limits().allow_address(request.remote_addr):
        return _refused_page("refused_rate", 429)
    token = request.form.get("token", "").strip()
    if not token:
        return _refused_page("refused_missing", 400)
    verified = _verify(token)
    if not isinstance(verified, Verified):
        return verified
    link = verified.link
    lang = for_page(link.supervisor.language)
    if link.bound_email:
        typed = request.form.get("email", "").strip().lower()
        if typed != link.bound_email:
            status = 422 if typed else 200
            speak(lang)
            return _page("employer/confirm_email.html", lang, token=token, error=gettext(
                "That is not the address this link was sent to.") if typed else None), status
    links.record_opened(db_session(), link, _actor(link.supervisor.name))
    response = make_response(redirect("/employer/review", code=303))
    secure = "; Secure" if app_config().secure_cookies else ""
    max_age = min(COOKIE_SECONDS, max(1, int((link.expires_at - _now()).total_seconds())))
    response.headers.add("Set-Cookie", f"{COOKIE}={token}; Max-Age={max_age}; Path=/employer; "
                                       f"HttpOnly; SameSite=Strict{secure}")
    return response


@bp.get("/review")
def review() -> Page:
    verified = _from_cookie()
    if not isinstance(verified, Verified):
        return verified
    return _render(verified)


@bp.post("/save")
def save() -> Page:
    editable = _editable()
    if not isinstance(editable, Editable):
        return editable
    verified, view = editable.verified, editable.view
    try:
        ratings.save(db_session(), view.rating, view.rubric,
                     employer_page.choices_from_form(request.form),
                     _actor(verified.link.supervisor.name),
                     overall_comment=request.form.get("overall"))
    except ScoringError as exc:
        db_session().rollback()
        return _render(verified, error=exc, status=422, sent=request.form)
    if request.headers.get("X-Worklink-Autosave"):
        return make_response("", 204)
    return _render(verified, notice=gettext("Draft saved."))


@bp.post("/submit")
def submit() -> Page:
    editable = _editable()
    if not isinstance(editable, Editable):
        return editable
    verified, view, session = editable.verified, editable.view, db_session()
    actor = _actor(verified.link.supervisor.name)
    try:
        ratings.save(session, view.rating, view.rubric,
                     employer_page.choices_from_form(request.form), actor,
                     overall_comment=request.form.get("overall"))
        links.mark_used(session, verified.link, actor)
        ratings.submit(session, view.rating, view.rubric, view.policy,
                       request.form.get("signature", ""), actor,
                       publisher=GradebookPublisher())
    except ScoringError as exc:
        session.rollback()
        return _render(_reverify(verified), error=exc, status=422, sent=request.form)
    return redirect("/employer/review", code=303)


@bp.post("/hours")
def review_hours() -> Page:
    """The supervisor confirms or disputes one entry of the student's hours log."""
    editable = _editable()
    if not isinstance(editable, Editable):
        return editable
    verified, session = editable.verified, db_session()
    action = request.form.get("action", "")
    try:
        entry_id = int(request.form.get("entry", ""))
    except ValueError:
        entry_id = 0
    link, actor = verified.link, _actor(verified.link.supervisor.name)
    try:
        if action not in ("confirm", "dispute"):
            raise WorkRefused(N_("Choose to confirm or to dispute the entry."))
        entry = for_supervisor.review_hours(
            session, link.placement, entry_id, confirm=action == "confirm",
            supervisor_name=link.supervisor.name, note=request.form.get("note", ""), now=_now())
    except WorkRefused as exc:
        session.rollback()
        return _render(_reverify(verified), error=exc, status=422)
    record(session, actor, f"hours.{entry.confirmation}", registration_id=link.registration_id,
           course_id=link.course_id, placement_id=link.placement_id, link_id=link.id,
           entry_id=entry.id, hours=entry.hours, work_date=str(entry.work_date))
    session.commit()
    return _render(verified, notice=gettext("Hours confirmed.") if action == "confirm"
                   else gettext("Hours disputed: the student will see your note."))


# --- helpers ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Editable:
    verified: Verified
    view: employer_page.EmployerPage


READ_ONLY = N_("This rating was submitted and can no longer be changed.")
NOT_NEEDED = N_("The teacher has already decided the final score for this work, so nothing more "
                "can be sent from this page; nothing was saved.")


def _editable() -> Editable | Page:
    """A form's link (from the cookie, with the page's form token) and its page, while the
    supervisor can still change it; otherwise the page that says why not (a form of a page
    opened before the teacher decided the final score, too)."""
    verified = _from_cookie(form=True)
    if not isinstance(verified, Verified):
        return verified
    view = employer_page.load(db_session(), verified.link, verified.state)
    if view.read_only:
        refusal = (NOT_NEEDED if view.outcome is employer_page.Outcome.NOT_NEEDED
                   else READ_ONLY)
        return _render(verified, error=ScoringError(refusal), status=409)
    return Editable(verified, view)


def _render(verified: Verified, *, error: Refused | None = None, notice: str | None = None,
            status: int = 200, sent: Mapping[str, str] | None = None) -> Page:
    """The review page; ``error`` is translated once the page's language is known, and the
    rating form holds ``sent``, a refused rating as it was sent, in place of what is saved."""
    view = employer_page.load(db_session(), verified.link, verified.state)
    if sent is not None:
        view = view.as_sent(sent)
    lang = for_page(verified.link.supervisor.language)
    return _page("employer/review.html", lang, view=view, hours_status=_hours_status,
                 file_url=_file_url, thumbnail_url=_thumbnail_url,
                           other_lang="es" if lang == "en" else "en",
                           language_names=LANGUAGE_NAMES,
                           form_token=_form_token(verified.link.jti),
                           error=refusal_text(error) if error is not None else None,
                           notice=notice), status


def _reverify(verified: Verified) -> Verified:
    """After a rollback: the link and its state as stored."""
    link = db_session().get(type(verified.link), verified.link.id)
    assert link is not None
    return Verified(link, links.state(link))


def _verify(token: str) -> Verified | Page:
    try:
        verified = verify(db_session(), token, app_config().base_url)
    except LinkRefused as exc:
        if exc.link is not None:
            db_session().rollback()
        return _refused_page(f"refused_{exc.reason.value}", _STATUS[exc.reason],
                             lang=exc.link.supervisor.language if exc.link else None)
    if not employer_limits().allow_link(verified.link.jti):
        return _refused_page("refused_rate", 429, lang=verified.link.supervisor.language)
    return verified


def _from_cookie(*, form: bool = False) -> Verified | Page:
    token = request.cookies.get(COOKIE, "")
    if not token:
        # A form sent once the visit's cookie has gone (the page stayed open past its three
        # hours, or the link's end) is not drawn again as it was sent, as a teacher's or a
        # student's expired form is (csrf.redrawn_when_expired): nothing proves who sends it,
        # and a page drawn from a form posted again (the back button, a shared computer's
        # history) would show the student's work to whoever posts it. The page's script saves
        # each level as it is chosen; the supervisor is told to open the link again.
        return _refused_page("refused_visit_ended" if form else "refused_missing", 401)
    verified = _verify(token)
    if isinstance(verified, Verified):
        # Before anything is said: a refused form's words, too, are in the visit's language,
        # and its days the course's (the supervisor has no course session to name its zone).
        speak(for_page(verified.link.supervisor.language))
        g.course_zone = zone_of(db_session(), verified.link.course_id)
    if isinstance(verified, Verified) and form:
        sent = request.form.get("form_token", "")
        if not hmac.compare_digest(sent, _form_token(verified.link.jti)):
            abort(403, gettext("This form did not come from this page. Reload it and try "
                               "again."))
    return verified


def _form_token(jti: str) -> str:
    """The token of the forms on a link's page: bound to the link, not to a visit or a time, so
    it never goes stale while the link works, however often the link is opened again."""
    return signer().mac(Purpose.EMPLOYER_LINK, f"form:{jti}".encode()).hex()


def _refused_page(key: str, status: int, *, lang: str | None = None) -> tuple[str, int]:
    """Why the link did not open; ``lang`` is the supervisor's when the link still names them
    (revoked, expired, too many attempts), so every such refusal speaks as their page would."""
    chosen = for_page(lang)
    speak(chosen)
    title, message = refusals(gettext)[key]
    return _page("employer/error.html", chosen, title=title, message=message, hint=None,
                 status=status), status


def _page(template: str, lang: str, **values: Any) -> str:
    speak(lang)
    return render_template(template, lang=lang, **values)


def _file_url(artifact: Artifact) -> str:
    """The supervisor has no session: files reach them by signed, expiring, one-file URLs (the
    page sends no Referer, so the URL stays on this page)."""
    return signed_url(artifact.id)


def _thumbnail_url(artifact: Artifact) -> str | None:
    return signed_url(artifact.id, thumbnail=True) if artifact.thumbnail_key else None


def _hours_status(entry: Artifact) -> str:
    return str(gettext(HoursConfirmation(entry.confirmation or "unconfirmed").label))


def _actor(name: str) -> Actor:
    return Actor("employer", name, address=request.remote_addr)


def _now() -> Any:
    from competencies.orm import utcnow

    return utcnow()
