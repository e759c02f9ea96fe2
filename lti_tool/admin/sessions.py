"""The operator ends sessions: everyone launched through one deployment, or one person."""

from __future__ import annotations

from flask import Response, abort, make_response, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from lti_tool import sessions
from lti_tool.admin.views import bp
from lti_tool.config import app_config
from lti_tool.db import db_session
from lti_tool.models import Deployment, Registration, User
from lti_tool.security import Role, require


@bp.get("/sessions")
@require(Role.OPERATOR, course_param=None)
def live_sessions() -> str:
    session = db_session()
    counts = sessions.live_by_deployment(session.connection(),
                                         idle=app_config().session_idle_seconds)
    rows = session.execute(select(Deployment, Registration.name).join(Registration)
                           .order_by(Registration.name, Deployment.id)).all()
    return render_template("admin/sessions.html", rows=rows, counts=counts,
                           ended=request.args.get("ended", type=int))


@bp.post("/sessions/deployment/<int:deployment_pk>/end")
@require(Role.OPERATOR, course_param=None)
def end_deployment_sessions(deployment_pk: int) -> Response:
    session = db_session()
    if session.get(Deployment, deployment_pk) is None:
        abort(404, gettext("No such deployment."))
    ended = sessions.end_for_deployment(session.connection(), deployment_pk)
    session.commit()
    return _back(ended)


@bp.post("/sessions/user/end")
@require(Role.OPERATOR, course_param=None)
def end_user_sessions() -> Response:
    session = db_session()
    user_id = request.form.get("user_id", type=int)
    if user_id is None or session.get(User, user_id) is None:
        abort(404, gettext("No person has that Worklink user number."))
    ended = sessions.end_for_user(session.connection(), user_id)
    session.commit()
    return _back(ended)


def _back(ended: int) -> Response:
    response = make_response("", 303)
    response.headers["Location"] = url_for("admin.live_sessions", ended=ended)
    return response
