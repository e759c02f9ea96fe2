"""Sessions for tests that need someone signed in without walking a whole launch."""

from __future__ import annotations

from flask import Flask, Response, g

from lti_tool.db import db_work
from lti_tool.security import Principal, Role, bind_session


def session_token(app: Flask, role: Role, *, user_id: int | None = None,
                  registration_id: int | None = None, course_id: int | None = None, deployment_id: int | None = None,
                  launch_id: str = "launch-1") -> str:
    """A live session's token, as a launch would have bound it."""
    with app.test_request_context():
        bind_session(Response(), Principal(user_id, registration_id or 0, course_id, role, launch_id,
                                           deployment_id=deployment_id))
        db_work().commit()
        return str(g.session_token)


def issue_token(principal: Principal) -> str:
    """Inside a request context: start a live session for ``principal``; its token."""
    bind_session(Response(), principal)
    db_work().commit()
    return str(g.session_token)
