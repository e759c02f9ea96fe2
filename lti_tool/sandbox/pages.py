"""The sandbox's own pages: sign in as someone, the course, launching Worklink, the gradebook."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from lti_tool.sandbox import gradebook
from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.platform import login_initiation_url, sandbox, sign_message_hint
from lti_tool.sandbox.platform_storage import STORAGE_TARGET
from lti_tool.sandbox.store import course, deep_link_request, new_opaque_id, person, placement

SESSION_KEY = "sandbox_person"


def signed_in(conn: Connection) -> Row[Any] | None:
    person_id = session.get(SESSION_KEY)
    if person_id is None:
        return None
    return conn.execute(select(person).where(person.c.id == person_id)).first()


def person_from_hint(conn: Connection, hint: dict[str, Any]) -> Row[Any] | None:
    """The person a signed message hint was issued to, for launches without the sign-in cookie."""
    person_id = hint.get("person")
    if not isinstance(person_id, int):
        return None
    return conn.execute(select(person).where(person.c.id == person_id)).first()


def the_course(conn: Connection) -> Row[Any]:
    return conn.execute(select(course).order_by(course.c.id)).first()  # type: ignore[return-value]


def error(status: int, title: str, message: str) -> ResponseReturnValue:
    return render_template("sandbox/error.html", title=title, message=message), status


@bp.context_processor
def _origin_notice() -> dict[str, Any]:
    # Launches go to the configured base URL; opened under another name (localhost versus
    # 127.0.0.1) the browser holds the sandbox sign-in for the wrong site and the launch fails.
    base = sandbox().settings.base_url
    return {"sandbox_home_elsewhere": None if request.host_url.rstrip("/") == base
            else f"{base}/sandbox/"}


@bp.get("/")
def home() -> ResponseReturnValue:
    sb = sandbox()
    with sb.store.read() as conn:
        the = the_course(conn)
        return render_template(
            "sandbox/home.html", me=signed_in(conn), course=the, settings=sb.settings,
            people=gradebook.members(conn, the.id),
            placements=list(conn.execute(
                select(placement).where(placement.c.course_id == the.id).order_by(placement.c.id)
            )),
        )


@bp.post("/sign-in")
def sign_in() -> ResponseReturnValue:
    with sandbox().store.read() as conn:
        chosen = conn.execute(
            select(person.c.id).where(person.c.id == request.form.get("person", type=int))
        ).first()
    if chosen is None:
        abort(400)
    session[SESSION_KEY] = chosen.id
    return redirect(url_for("sandbox.home"), 303)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    session.pop(SESSION_KEY, None)
    return redirect(url_for("sandbox.home"), 303)


@bp.get("/jwks.json")
def jwks() -> ResponseReturnValue:
    response = jsonify(sandbox().jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/launch/<int:placement_id>")
def launch(placement_id: int) -> ResponseReturnValue:
    """The course page around Worklink: an iframe that starts the tool's OIDC login, as Canvas does."""
    sb = sandbox()
    with sb.store.read() as conn:
        me = signed_in(conn)
        link = conn.execute(select(placement).where(placement.c.id == placement_id)).first()
        the = the_course(conn)
    if link is None:
        return error(404, "No such placement", "This link is not in the course any more.")
    if me is None:
        return error(401, "Sign in first", "Choose who you are on the sandbox home page.")
    src = login_initiation_url(
        sb, login_hint=me.sub, target_link_uri=link.url,
        message_hint=sign_message_hint({"kind": "launch", "placement": link.id, "person": me.id}),
    )
    return _course_frame(me, the, link.title, src)


@bp.post("/add-content")
def add_content() -> ResponseReturnValue:
    """Start a deep-linking request: the teacher picks Worklink content to add to the course."""
    with sandbox().store.begin() as conn:
        me = signed_in(conn)
        if me is None or me.role != "Instructor":
            return error(403, "Teachers only", "Sign in as the teacher to add content.")
        data = new_opaque_id("dl")
        conn.execute(insert(deep_link_request).values(
            data=data, course_id=the_course(conn).id, person_id=me.id, answered=False,
        ))
    return redirect(url_for("sandbox.add_content_frame", data=data), 303)


@bp.get("/add-content/<data>")
def add_content_frame(data: str) -> ResponseReturnValue:
    sb = sandbox()
    with sb.store.read() as conn:
        me = signed_in(conn)
        pending = conn.execute(
            select(deep_link_request).where(deep_link_request.c.data == data)
        ).first()
        the = the_course(conn)
    if me is None or pending is None or pending.person_id != me.id:
        return error(404, "No such request", "Start again with “Add Worklink content”.")
    src = login_initiation_url(
        sb, login_hint=me.sub, target_link_uri=None,
        message_hint=sign_message_hint({"kind": "deep_link", "data": data, "person": me.id}),
    )
    return _course_frame(me, the, "Add Worklink content", src)


def _course_frame(me: Row[Any], the: Row[Any], heading: str, src: str) -> ResponseReturnValue:
    """The course page around Worklink, with Canvas's Platform Storage frame beside it.

    Both frames come from the sandbox's own address (its OIDC origin). Opened under another
    name (localhost instead of 127.0.0.1) the tool's frame is cross-site, as in a real LMS, and
    Worklink must launch without its cookie.
    """
    settings = sandbox().settings
    base = settings.base_url
    if settings.platform_storage:
        src += f"&lti_storage_target={STORAGE_TARGET}"
    response = make_response(render_template(
        "sandbox/launch.html", me=me, course=the, heading=heading, frame_src=src,
        storage_src=f"{base}/sandbox/platform-storage", storage_target=STORAGE_TARGET))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; frame-src 'self' {base}; object-src 'none'; base-uri 'none'")
    return response


@bp.get("/gradebook")
def gradebook_page() -> ResponseReturnValue:
    with sandbox().store.read() as conn:
        me = signed_in(conn)
        if me is None or me.role != "Instructor":
            return error(403, "Teachers only", "Sign in as the teacher to see the gradebook.")
        the = the_course(conn)
        columns = gradebook.lineitems(conn, the.id)
        students = [m for m in gradebook.members(conn, the.id) if m.role == "Learner"]
        cells = {
            (r.user_sub, column.id): r
            for column in columns for r in gradebook.results(conn, the.id, column.id)
        }
        handed_in = gradebook.submissions(conn, the.id)
    return render_template("sandbox/gradebook.html", me=me, course=the, columns=columns,
                           students=students, cells=cells, handed_in=handed_in)
