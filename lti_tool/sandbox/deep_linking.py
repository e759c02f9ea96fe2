"""``/sandbox/deep-link-return``: verify the tool's LtiDeepLinkingResponse and add its content.

The signature is checked by ``lti1p3platform`` against the tool's published keys; the claims the
package leaves unchecked (aud, iss, nonce, exp, deployment, the echoed ``data``) are checked here.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit

import jwt
from flask import render_template, request
from flask.typing import ResponseReturnValue
from lti1p3platform.exceptions import LtiException
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from lti_tool.sandbox import gradebook
from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.pages import error, signed_in
from lti_tool.sandbox.platform import Sandbox, custom_json, sandbox
from lti_tool.sandbox.store import deep_link_request, new_opaque_id, placement, remember_token_id
from lti_tool.sandbox.tool_keys import ToolKeysUnavailable

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkRejected(ValueError):
    pass


@dataclasses.dataclass
class Added:
    title: str
    column: str | None


@bp.post("/deep-link-return")
def deep_link_return() -> ResponseReturnValue:
    sb = sandbox()
    token = request.form.get("JWT", "")
    if not token:
        return error(400, "No deep-linking response", "The tool posted no JWT.")
    try:
        platform = sb.platform(with_tool_keys=True)
    except ToolKeysUnavailable as exc:
        return error(502, "Cannot verify the tool's response", str(exc))
    try:
        claims = platform.tool_validate_and_decode(token)
    except (LtiException, jwt.PyJWTError) as exc:
        return error(422, "The tool's response is not signed by the tool",
                     f"Signature check failed: {exc}. Nothing was added.")
    try:
        with sb.store.begin() as conn:
            me = signed_in(conn)
            data = _check_claims(conn, sb, claims, me.id if me else None)
            added, ignored = _add_items(conn, sb, data, claims.get(DL + "content_items") or [])
    except DeepLinkRejected as exc:
        return error(422, "The tool's response was refused", f"{exc}. Nothing was added.")
    return render_template(
        "sandbox/deep_link_result.html", added=added, ignored=ignored,
        msg=claims.get(DL + "msg"), log=claims.get(DL + "log"),
        errormsg=claims.get(DL + "errormsg"), errorlog=claims.get(DL + "errorlog"),
    )


def _check_claims(conn: Connection, sb: Sandbox, claims: dict[str, Any],
                  person_id: int | None) -> Any:
    s = sb.settings
    aud = claims.get("aud")
    if s.issuer not in (aud if isinstance(aud, list) else [aud]):
        raise DeepLinkRejected(f"aud {aud!r} is not this platform ({s.issuer})")
    if claims.get("iss") != s.client_id:
        raise DeepLinkRejected(f"iss {claims.get('iss')!r} is not the tool's client_id")
    # PyJWT checks exp only when present; a response without one would never expire.
    if not isinstance(claims.get("exp"), (int, float)) or not isinstance(claims.get("iat"), (int, float)):
        raise DeepLinkRejected("exp and iat are required")
    if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
        raise DeepLinkRejected("message_type is not LtiDeepLinkingResponse")
    if claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkRejected("version is not 1.3.0")
    if claims.get(LTI + "deployment_id") != s.deployment_id:
        raise DeepLinkRejected(f"deployment_id is not {s.deployment_id}")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise DeepLinkRejected("nonce is missing")
    pending = conn.execute(
        select(deep_link_request).where(deep_link_request.c.data == claims.get(DL + "data"))
    ).first()
    if pending is None:
        raise DeepLinkRejected("data does not echo a deep-linking request this platform sent")
    if pending.answered:
        raise DeepLinkRejected("this deep-linking request was already answered")
    if person_id is not None and pending.person_id != person_id:
        raise DeepLinkRejected("this deep-linking request was started by someone else")
    if not remember_token_id(conn, f"dl-nonce:{nonce}", float(claims["exp"])):
        raise DeepLinkRejected("this response was already received (nonce reused)")
    conn.execute(update(deep_link_request).where(deep_link_request.c.data == pending.data)
                 .values(answered=True))
    return pending


def _add_items(conn: Connection, sb: Sandbox, pending: Any,
               items: Any) -> tuple[list[Added], list[str]]:
    if not isinstance(items, list):
        raise DeepLinkRejected("content_items must be a list")
    added: list[Added] = []
    ignored: list[str] = []
    tool_origin = urlsplit(sb.settings.base_url)[:2]
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "ltiResourceLink":
            ignored.append(f"an item of type {item.get('type') if isinstance(item, dict) else item!r}"
                           " (only ltiResourceLink was asked for)")
            continue
        title = str(item.get("title") or "Untitled Worklink content")
        url = item.get("url")
        if url is not None and (not isinstance(url, str) or urlsplit(url)[:2] != tool_origin):
            ignored.append(f"“{title}”: its url {url!r} is not on the tool's origin")
            continue
        custom = item.get("custom") or {}
        if not isinstance(custom, dict):
            ignored.append(f"“{title}”: custom is not an object")
            continue
        link_id = new_opaque_id("link")
        column = None
        line = item.get("lineItem")
        if line is not None:
            try:
                fields = gradebook.parse_lineitem(
                    {**line, "label": line.get("label") or title} if isinstance(line, dict) else line
                )
            except gradebook.GradebookError as exc:
                ignored.append(f"“{title}”: its lineItem is invalid ({exc})")
                continue
        conn.execute(insert(placement).values(
            course_id=pending.course_id, resource_link_id=link_id, title=title,
            text=str(item.get("text") or ""), url=url, custom=custom_json(
                {str(k): str(v) for k, v in custom.items()}),
        ))
        if line is not None:
            fields = dataclasses.replace(fields, resource_link_id=link_id)
            gradebook.add_lineitem(conn, pending.course_id, fields)
            column = f"{fields.label} (out of {fields.score_maximum:g})"
        added.append(Added(title=title, column=column))
    return added, ignored
