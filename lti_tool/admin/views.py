"""The operator's pages: registrations, deployments waiting for approval, the URLs to paste."""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from competencies.audit import tenant_events
from lti_tool import csrf
from lti_tool.admin import deployments as operations
from lti_tool.admin import registrations as registration_operations
from lti_tool.admin.signin import redeem
from lti_tool.audit_lines import event_lines
from lti_tool.config import app_config
from lti_tool.db import db_session, db_work
from lti_tool.grades.status import tenants_sync
from lti_tool.lti.registrations import RegistrationError
from lti_tool.lti.services import lti_services
from lti_tool.lti.tool_profile import ToolUrls
from lti_tool.models import Deployment, DeploymentStatus, Registration
from lti_tool.security import Principal, Role, bind_session, require
from lti_tool.signing import signer
from lti_tool.web import error_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def _admin_helpers() -> dict[str, object]:
    return {"admin_pending_count": _pending_count}


def _pending_count() -> int:
    """Shown in every admin page's navigation: deployments waiting for an operator."""
    return len(operations.pending_deployments(db_session()))


@bp.get("/signin")
def signin_form() -> str:
    """Ask before spending the link: chat apps and mail scanners open links on their own.

    The token is in the fragment, so the server never sees it here; the page's script puts it in
    the form and clears it from the address bar.
    """
    return render_template("admin/signin.html")


@bp.post("/signin")
@csrf.exempt  # the one-time link's token is the proof; there is no session yet to tie a form to
def signin() -> WerkzeugResponse | tuple[str, int]:
    nonce = redeem(db_session(), signer(), request.form.get("token", ""))
    if nonce is None:
        return error_page(
            403, gettext("This sign-in link is not valid: it has been used, has expired, or was "
                         "mangled."),
            title=gettext("Sign-in link not accepted"),
            hint=gettext("Run `worklink admin link` on the server for a new one."),
        )
    principal = Principal(user_id=None, registration_id=0, course_id=None, role=Role.OPERATOR,
                          launch_id=f"admin-link:{nonce[:16]}")
    response = make_response("", 303)
    bind_session(response, principal)
    db_work().commit()
    response.headers["Location"] = url_for("admin.registrations")
    return response


@bp.get("/")
@require(Role.OPERATOR, course_param=None)
def registrations() -> str:
    return render_template("admin/registrations.html",
                           registrations=operations.registrations_with_deployments(db_session()))


@bp.get("/deployments/pending")
@require(Role.OPERATOR, course_param=None)
def pending() -> str:
    return render_template("admin/pending.html",
                           deployments=operations.pending_deployments(db_session()),
                           policy=app_config().unknown_deployment_policy.value)


@bp.post("/deployments/<int:deployment_pk>/approve")
@require(Role.OPERATOR, course_param=None)
def approve(deployment_pk: int) -> Response:
    return _set_status(deployment_pk, DeploymentStatus.ACTIVE)


@bp.post("/deployments/<int:deployment_pk>/disable")
@require(Role.OPERATOR, course_param=None)
def disable(deployment_pk: int) -> Response:
    return _set_status(deployment_pk, DeploymentStatus.DISABLED)


@bp.post("/registrations/<int:registration_pk>/disable")
@require(Role.OPERATOR, course_param=None)
def disable_registration(registration_pk: int) -> Response:
    return _set_enabled(registration_pk, False)


@bp.post("/registrations/<int:registration_pk>/enable")
@require(Role.OPERATOR, course_param=None)
def enable_registration(registration_pk: int) -> Response:
    return _set_enabled(registration_pk, True)


@bp.post("/registrations/<int:registration_pk>/remove")
@require(Role.OPERATOR, course_param=None)
def remove_registration(registration_pk: int) -> Response | tuple[str, int]:
    session = db_session()
    registration = session.get(Registration, registration_pk) or abort(404)
    try:
        registration_operations.remove(session, registration)
    except RegistrationError as exc:
        session.rollback()
        return error_page(409, str(exc), title="This platform is in use",
                          hint="Nothing was removed. Turn it off on the Platforms page instead.")
    session.commit()
    lti_services().directory.forget()
    return _back_to("admin.registrations")


@bp.get("/audit")
@require(Role.OPERATOR, course_param=None)
def audit() -> str:
    """Employer links and ratings across every tenant, or one (``?registration=<id>``)."""
    registration = request.args.get("registration", type=int)
    return render_template("admin/audit.html", registration=registration,
                           events=event_lines(db_session(),
                                              tenant_events(db_session(), registration, limit=500)))


@bp.get("/urls")
@require(Role.OPERATOR, course_param=None)
def urls() -> str:
    config = app_config()
    return render_template("admin/urls.html", urls=ToolUrls.from_config(config),
                           policy=config.unknown_deployment_policy.value)


def _set_enabled(registration_pk: int, enabled: bool) -> Response:
    session = db_session()
    registration = session.get(Registration, registration_pk) or abort(404)
    registration_operations.set_enabled(registration, enabled)
    session.commit()
    lti_services().directory.forget()
    return _back_to("admin.registrations")


def _back_to(endpoint: str) -> Response:
    response = make_response("", 303)
    response.headers["Location"] = url_for(endpoint)
    return response


def _set_status(deployment_pk: int, status: DeploymentStatus) -> Response:
    session = db_session()
    deployment = session.get(Deployment, deployment_pk)
    if deployment is None:
        abort(404, gettext("No such deployment."))
    operations.set_status(deployment, status)
    session.commit()
    # This worker's launch path keeps active deployments for a few seconds; a disable here
    # takes effect here at once (other workers within the directory's TTL).
    lti_services().directory.forget()
    response = make_response("", 303)
    response.headers["Location"] = url_for("admin.pending")
    return response


@bp.get("/grades")
@require(Role.OPERATOR, course_param=None)
def grades() -> str:
    """Grades on their way to every tenant's LMS: what is stuck, and where."""
    return render_template("admin/grades.html", tenants=tenants_sync(db_session()))
