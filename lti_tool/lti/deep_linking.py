"""Deep Linking 2.0: read what the platform asked for, answer with signed ``ltiResourceLink`` items.

A teacher's deep-linking launch (Canvas ``assignment_selection`` / ``link_selection``, Moodle's
"Select content") stores its claims server-side; :func:`deep_linking_request` reads them back as a
:class:`DeepLinkingRequest`, refusing settings a platform should never send. :func:`build_response`
turns the chosen tasks into the ``LtiDeepLinkingResponse`` JWT the browser posts to the platform.

The builder is our own, on PyJWT, rather than pylti1p3's ``DeepLink``: pylti1p3 writes
``data: null`` when the request had no ``data`` (the spec says omit it), has no ``msg``/``log``/
``errormsg``/``errorlog``, ignores ``accept_multiple``/``accept_lineitem``, and needs a
pylti1p3 ``Registration`` built (a database round trip) only to read the client id and key.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jwt

from competencies.messages import N_, Refused
from lti_tool.lti import claims as c
from lti_tool.lti import validation
from lti_tool.lti.keys import ALGORITHM, SigningKey
from lti_tool.lti.launch import Launch
from lti_tool.lti.store import EphemeralStore

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
CONTENT_ITEMS = DL + "content_items"
DATA = DL + "data"
MSG, LOG, ERRORMSG, ERRORLOG = DL + "msg", DL + "log", DL + "errormsg", DL + "errorlog"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
RESOURCE_LINK = "ltiResourceLink"
RESPONSE_LIFETIME_SECONDS = 300
"""The platform must receive the response within this long; the browser posts it at once."""
MAX_TEXT = 4000
_NOT_DEEP_LINKING = N_("This launch was not a deep-linking request, so there is nowhere to send "
                       "a chosen task. Use “Add content” in your course.")


class DeepLinkingError(Refused):
    """A deep-linking request or response Worklink will not send, with words for the teacher
    (pages show them with ``refusal_text``; ``message`` is the English, for logs)."""

    def __init__(self, template: str, *, code: str, **params: Any) -> None:
        super().__init__(template, **params)
        self.message = str(self)
        self.code = code
        """Stable short name for logs and tests (``missing_return_url``, ``too_many_items``…)."""


@dataclasses.dataclass(frozen=True)
class LineItemSpec:
    """The grade column the platform creates with the link (Canvas: a graded assignment)."""

    score_maximum: float
    label: str
    resource_id: str | None = None
    """Worklink's id for what is graded (the task), so AGS can find the column again."""
    tag: str | None = None


@dataclasses.dataclass(frozen=True)
class ContentItem:
    """One ``ltiResourceLink``: a task placed in the course."""

    title: str
    text: str | None = None
    custom: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Custom parameters the platform sends back on every launch of the link (the task reference)."""
    line_item: LineItemSpec | None = None
    url: str | None = None
    """Launch URL; absent means the tool's registered target link URI."""


@dataclasses.dataclass(frozen=True)
class DeepLinkingRequest:
    """What the platform asked for in ``deep_linking_settings``, plus who must receive the answer."""

    return_url: str
    accept_types: tuple[str, ...]
    accept_presentation_document_targets: tuple[str, ...]
    accept_multiple: bool
    accept_lineitem: bool | None
    """``None``: the platform did not say, and the spec says assume nothing, so line items go."""
    auto_create: bool
    data: Any
    """Opaque value to echo exactly; ``None`` when the request had none (then it is omitted)."""
    has_data: bool
    title: str | None
    text: str | None
    platform_issuer: str
    client_id: str
    deployment_id: str

    @property
    def accepts_resource_links(self) -> bool:
        return RESOURCE_LINK in self.accept_types

    @classmethod
    def from_launch(cls, launch: Launch) -> DeepLinkingRequest:
        if not launch.is_deep_linking:
            raise DeepLinkingError(_NOT_DEEP_LINKING, code="not_deep_linking")
        return cls.from_settings(launch.deep_linking_settings, platform_issuer=launch.issuer,
                                 client_id=launch.client_id, deployment_id=launch.deployment_id)

    @classmethod
    def from_settings(cls, settings: Any, *, platform_issuer: str, client_id: str,
                      deployment_id: str) -> DeepLinkingRequest:
        if not isinstance(settings, dict):
            raise DeepLinkingError(N_("The platform's deep-linking request has no settings."),
                                   code="missing_settings")
        return_url = settings.get("deep_link_return_url")
        if not isinstance(return_url, str) or not return_url:
            raise DeepLinkingError(N_("The platform's deep-linking request has no return URL "
                                      "(deep_link_return_url), so Worklink cannot send tasks "
                                      "back."),
                                   code="missing_return_url")
        parts = urlsplit(return_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise DeepLinkingError(N_("The platform's deep-linking return URL %(url)s is not a web "
                                      "address."), url=repr(return_url), code="bad_return_url")
        title, text = settings.get("title"), settings.get("text")
        return cls(
            return_url=return_url,
            accept_types=_strings(settings, "accept_types", required=True),
            accept_presentation_document_targets=_strings(
                settings, "accept_presentation_document_targets", required=False),
            accept_multiple=bool(_flag(settings, "accept_multiple")),
            accept_lineitem=_flag(settings, "accept_lineitem"),
            auto_create=bool(_flag(settings, "auto_create")),
            data=settings.get("data"),
            has_data="data" in settings and settings["data"] is not None,
            title=title if isinstance(title, str) and title else None,
            text=text if isinstance(text, str) and text else None,
            platform_issuer=platform_issuer, client_id=client_id, deployment_id=deployment_id,
        )


def deep_linking_request(store: EphemeralStore, launch_id: str) -> DeepLinkingRequest:
    """The request of the launch stored under ``launch:<launch_id>`` (see :mod:`lti_tool.lti.views`).

    Launch data expires (``launch_lifetime_seconds``); a picker left open past it gets a clear
    message instead of a response the platform would refuse.
    """
    stored = store.get("launch:" + launch_id)
    if stored is None:
        # Only deep-linking launches are kept (see lti_tool.lti.views), so "nothing stored" is
        # either an expired request or a session that never was one.
        raise DeepLinkingError(N_("There is no open request to add content for this session: it "
                                  "has expired, or this page was not opened with “Add content”. "
                                  "Close this window and choose “Add content” in your course "
                                  "again."),
                               code="no_request")
    if stored.get(c.MESSAGE_TYPE) != c.DEEP_LINKING_REQUEST:
        raise DeepLinkingError(_NOT_DEEP_LINKING, code="not_deep_linking")
    # The claims passed every launch check before they were stored, so the audience rule holds.
    return DeepLinkingRequest.from_settings(
        stored.get(c.DEEP_LINKING_SETTINGS), platform_issuer=str(stored["iss"]),
        client_id=validation.audience(stored), deployment_id=str(stored[c.DEPLOYMENT_ID]))


class DeepLinkingResponse(NamedTuple):
    jwt: str
    return_url: str


def check_count(request: DeepLinkingRequest, count: int) -> None:
    """Refuse several tasks where the platform takes one (before anything is made for them)."""
    if count > 1 and not request.accept_multiple:
        raise DeepLinkingError(N_("This course placement accepts only one task at a time, and "
                                  "%(count)d were chosen. Choose one task."), count=count,
                               code="too_many_items")


def build_response(request: DeepLinkingRequest, items: Sequence[ContentItem], *,
                   signing_key: SigningKey, msg: str | None = None, log: str | None = None,
                   errormsg: str | None = None, errorlog: str | None = None,
                   now: float | None = None) -> DeepLinkingResponse:
    """The signed ``LtiDeepLinkingResponse`` and where the browser must post it (as ``JWT``).

    Refuses (raises :class:`DeepLinkingError`) only what the teacher can fix: several tasks where
    the platform takes one. What the platform cannot take at all (no ``ltiResourceLink`` in
    ``accept_types``) goes back as ``errormsg`` with no items, so the LMS tells the teacher too.
    """
    logs = [log] if log else []
    for item in items:
        _check_item(item)
    if not request.accepts_resource_links:
        accepted = ", ".join(request.accept_types) or "nothing"
        errormsg = errormsg or ("Worklink adds tasks as LTI resource links, which this placement does "
                                f"not accept (it accepts: {accepted}).")
        errorlog = errorlog or f"accept_types={list(request.accept_types)}; no ltiResourceLink"
        items = ()
    else:
        check_count(request, len(items))
    with_lineitem = request.accept_lineitem is not False
    dropped = sum(1 for item in items if item.line_item is not None) if not with_lineitem else 0
    if dropped:
        logs.append(f"The platform does not accept line items here (accept_lineitem=false); "
                    f"{dropped} item(s) sent without a grade column.")
    issued = int(now if now is not None else time.time())
    body: dict[str, Any] = {
        "iss": request.client_id,
        "aud": request.platform_issuer,
        "iat": issued,
        "exp": issued + RESPONSE_LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(24),
        c.MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        c.VERSION: "1.3.0",
        c.DEPLOYMENT_ID: request.deployment_id,
        CONTENT_ITEMS: [_item_claim(item, with_lineitem) for item in items],
    }
    if request.has_data:
        body[DATA] = request.data
    for claim, value in ((MSG, msg), (LOG, " ".join(logs) or None), (ERRORMSG, errormsg),
                         (ERRORLOG, errorlog)):
        if value:
            body[claim] = value[:MAX_TEXT]
    token = jwt.encode(body, signing_key.private_key, algorithm=ALGORITHM,
                       headers={"kid": signing_key.kid})
    return DeepLinkingResponse(token, request.return_url)


def _item_claim(item: ContentItem, with_lineitem: bool) -> dict[str, Any]:
    claim: dict[str, Any] = {"type": RESOURCE_LINK, "title": item.title}
    if item.text:
        claim["text"] = item.text
    if item.url:
        claim["url"] = item.url
    if item.custom:
        claim["custom"] = dict(item.custom)
    line = item.line_item
    if line is not None and with_lineitem:
        spec: dict[str, Any] = {"scoreMaximum": _number(line.score_maximum), "label": line.label}
        if line.resource_id:
            spec["resourceId"] = line.resource_id
        if line.tag:
            spec["tag"] = line.tag
        claim["lineItem"] = spec
    return claim


def _check_item(item: ContentItem) -> None:
    if not item.title.strip():
        raise DeepLinkingError(N_("Every task sent to the course needs a title."),
                               code="untitled_item")
    bad = [k for k, v in item.custom.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        # Platforms send custom parameters back as strings; anything else would not round-trip.
        raise DeepLinkingError(N_("Custom parameters must be text: %(names)s."), names=repr(bad),
                               code="bad_custom")
    line = item.line_item
    if line is not None and not (line.score_maximum > 0 and line.label.strip()):
        raise DeepLinkingError(N_("“%(task)s” needs a grade column with a label and a maximum "
                                  "score above zero."), task=item.title, code="bad_lineitem")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _strings(settings: dict[str, Any], name: str, *, required: bool) -> tuple[str, ...]:
    value = settings.get(name)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DeepLinkingError(N_("The platform's deep-linking setting %(name)s should be a list "
                                  "of names, not %(value)s."), name=name, value=repr(value),
                               code="bad_settings")
    return tuple(value)


def _flag(settings: dict[str, Any], name: str) -> bool | None:
    value = settings.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    # pylti1p3's own types allow the strings; some platforms serialise booleans that way.
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise DeepLinkingError(N_("The platform's deep-linking setting %(name)s should be true or "
                              "false, not %(value)s."), name=name, value=repr(value),
                           code="bad_settings")


def render_return_form(response: DeepLinkingResponse, count: int) -> str:
    """The page that posts the response to the platform (auto-submitted, with a Continue button)."""
    from flask import render_template

    return render_template("lti/deep_link_return.html", jwt=response.jwt,
                           return_url=response.return_url, count=count)
