"""Names and Role Provisioning Services (NRPS 2.0): the course's members, paged."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from lti_tool.sandbox import gradebook
from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.paging import paginate
from lti_tool.sandbox.platform import NRPS_SCOPE, ROLE_URIS, sandbox
from lti_tool.sandbox.service_token import require_scope
from lti_tool.sandbox.store import course

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@bp.get("/courses/<int:course_id>/memberships")
@require_scope(NRPS_SCOPE)
def memberships(course_id: int) -> ResponseReturnValue:
    sb = sandbox()
    with sb.store.read() as conn:
        the = conn.execute(course.select().where(course.c.id == course_id)).first()
        if the is None:
            return jsonify(error="no such course"), 404
        people = gradebook.members(conn, course_id)
    role = request.args.get("role")
    if role:
        # The spec allows the full role URI or its short name ("Learner").
        people = [p for p in people if role in (p.role, ROLE_URIS[p.role])]
    url = sb.settings.url(f"/courses/{course_id}/memberships")
    page = paginate(people, url, request.args.to_dict())
    response = jsonify({
        "id": url,
        "context": {"id": the.context_id, "label": the.label, "title": the.title},
        "members": [
            {"status": "Active", "user_id": p.sub, "roles": [ROLE_URIS[p.role]], "name": p.name,
             "given_name": p.given_name, "family_name": p.family_name, "email": p.email}
            for p in page.items
        ],
    })
    response.content_type = MEMBERSHIP_CONTAINER
    if page.link:
        response.headers["Link"] = page.link
    return response
