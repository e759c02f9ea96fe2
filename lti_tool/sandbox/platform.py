"""The sandbox as an LTI 1.3 platform, built on the ``lti1p3platform`` package.

That package signs the messages and builds the LtiResourceLinkRequest, LtiDeepLinkingRequest and
the AGS/NRPS claims; this module only adapts it to Flask and to the sandbox's own state.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from lti_tool.sandbox.store import SandboxStore

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ROLE_URIS = {"Instructor": INSTRUCTOR, "Learner": LEARNER}
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

AGS_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
)
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

ToolKeySource = Callable[[], dict[str, Any]]
"""Returns the tool's public JWKS, or raises :class:`ToolKeysUnavailable`."""


@dataclasses.dataclass(frozen=True)
class SandboxSettings:
    base_url: str
    client_id: str = "worklink-sandbox"
    deployment_id: str = "sandbox-deployment-1"
    platform_storage: bool = True
    """Offer LTI Platform Storage (``lti_storage_target``) as Canvas does; Moodle 4.5 does not."""

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/sandbox"

    @property
    def tool_login_url(self) -> str:
        return f"{self.base_url}/lti/login"

    @property
    def tool_launch_url(self) -> str:
        """The tool's one registered redirect URI, and the default target link."""
        return f"{self.base_url}/lti/launch"

    @property
    def tool_jwks_url(self) -> str:
        return f"{self.base_url}/lti/jwks.json"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    def url(self, path: str) -> str:
        return f"{self.issuer}{path}"


class Sandbox:
    """Everything the sandbox's views need: settings, state, and how to find the tool's keys."""

    def __init__(self, settings: SandboxSettings, store: SandboxStore, tool_keys: ToolKeySource) -> None:
        self.settings = settings
        self.store = store
        self.tool_keys = tool_keys
        private_pem, public_pem = store.key_pair()
        self.score_faults: collections.deque[dict[str, Any]] = collections.deque()
        """Answers the grade service gives instead of storing the next scores (see
        ``/sandbox/faults``): how the demo and the tests show a platform in trouble."""
        self._private_pem = private_pem
        self._public_pem = public_pem

    def registration(self, *, with_tool_keys: bool = False) -> Registration:
        """The tool as the platform knows it; fetches the tool's keys only when asked."""
        s = self.settings
        registration = (
            Registration()
            .set_iss(s.issuer)
            .set_client_id(s.client_id)
            .set_deployment_id(s.deployment_id)
            .set_oidc_login_url(s.tool_login_url)
            .set_launch_url(s.tool_launch_url)
            .set_deeplink_launch_url(s.tool_launch_url)
            .set_platform_private_key(self._private_pem)
            .set_platform_public_key(self._public_pem)
        )
        if with_tool_keys:
            registration.set_tool_key_set(self.tool_keys())  # type: ignore[arg-type]
        return registration

    def platform(self, *, with_tool_keys: bool = False) -> SandboxPlatform:
        return SandboxPlatform(registration=self.registration(with_tool_keys=with_tool_keys))

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.registration().get_jwks()}


def sandbox() -> Sandbox:
    return current_app.extensions["worklink.sandbox"]  # type: ignore[no-any-return]


class SandboxPlatform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        assert self._registration is not None
        return self._registration


class FlaskRequest(Request):
    def build_metadata(self, req: Any) -> TRequest:
        return {
            "method": req.method,
            "form_data": req.form.to_dict(),
            "get_data": req.args.to_dict(),
            "headers": req.headers,
            "content_type": req.content_type,
            "path": req.path,
            "json": req.get_json(silent=True),
        }


class SandboxLaunch(LTIAdvantageMessageLaunchAbstract):
    """One launch message; the package signs it and we render its auto-posting form."""

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        return render_template("sandbox/auto_post.html", action=launch_data["launch_url"],
                               fields={"id_token": launch_data["id_token"],
                                       "state": launch_data["state"]}, **kwargs)


class SandboxLogin(OIDCLoginAbstract):
    """Builds the third-party login initiation URL the launch iframe opens."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


def login_initiation_url(sb: Sandbox, *, login_hint: str, message_hint: str,
                         target_link_uri: str | None) -> str:
    login = SandboxLogin(None, sb.platform())
    login.set_lti_message_hint(hint=message_hint)
    login.set_launch_url(target_link_uri or sb.settings.tool_launch_url)
    return login.initiate_login(login_hint)  # type: ignore[no-any-return]


def sign_message_hint(value: dict[str, Any]) -> str:
    """The opaque ``lti_message_hint``: which message to build, signed so it cannot be forged.

    Each carries a fresh id that ``/sandbox/auth`` spends on first use, as Moodle's
    ``mod/lti/auth.php`` does with its launch id: a tool that repeats the login gets an error.
    """
    return _hint_serializer().dumps({**value, "once": secrets.token_urlsafe(12)})


def read_message_hint(value: str) -> dict[str, Any] | None:
    try:
        hint = _hint_serializer().loads(value)
    except BadSignature:
        return None
    return hint if isinstance(hint, dict) else None


def _hint_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sandbox-message-hint")


def flask_request() -> FlaskRequest:
    return FlaskRequest(request)


def custom_json(value: dict[str, str]) -> str:
    return json.dumps(value, sort_keys=True)
