"""The OIDC third-party login and the launch that completes it.

Login: remember a fresh ``state`` (with its ``nonce``) in shared storage, bind it to this browser
(a partitioned cookie, or LTI Platform Storage when the platform offers it), and send the browser
to the platform. Launch: consume the state (single use: its nonce goes with it), validate the
id_token, apply the deployment policy, and hand back a typed :class:`Launch`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from flask_babel import gettext
from sqlalchemy.engine import Connection

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.db import UnitOfWork
from lti_tool.lti import claims as c
from lti_tool.lti import validation
from lti_tool.lti.directory import DeploymentInfo, Directory, PlatformRegistration
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.launch import Launch
from lti_tool.lti.platform_keys import PlatformKeys
from lti_tool.lti.provisioning import insert_ignore
from lti_tool.lti.store import EphemeralStore
from lti_tool.models import Deployment, DeploymentStatus

STATE_TTL = 600
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
                "lti_deployment_id")

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class LoginRedirect:
    url: str
    state: str
    storage_target: str | None
    """Where to ``lti.put_data`` the state (Platform Storage), when the platform offered it."""
    platform_origin: str


def begin_login(work: UnitOfWork, store: EphemeralStore, directory: Directory, config: Config,
                params: dict[str, str]) -> LoginRedirect:
    issuer = params.get("iss")
    login_hint = params.get("login_hint")
    target_link_uri = params.get("target_link_uri")
    missing = [n for n, v in (("iss", issuer), ("login_hint", login_hint),
                              ("target_link_uri", target_link_uri)) if not v]
    if missing:
        raise LaunchError("The platform's login request lacks " + ", ".join(missing) + ".",
                          code="bad_login", status=400)
    assert issuer and login_hint and target_link_uri
    registration = _registration_for_login(work.connection, directory, issuer,
                                           params.get("client_id"))
    if not target_link_uri.startswith(config.base_url + "/"):
        raise LaunchError(f"The login asks to launch {target_link_uri}, which is not a Worklink "
                          f"address ({config.base_url}).", code="bad_target_link_uri", status=400)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    storage_target = params.get("lti_storage_target") or None
    store.put("state:" + state, {
        "nonce": nonce, "iss": issuer, "client_id": registration.client_id,
        "registration_id": registration.id, "target_link_uri": target_link_uri,
        "login": {k: params[k] for k in LOGIN_PARAMS if params.get(k)},
        "storage_target": storage_target,
    }, STATE_TTL)
    # The fixed part of the query is the same for every launch of this registration; state and
    # nonce are URL-safe tokens already. Only the platform's hints need quoting.
    url = _auth_request_prefix(registration.auth_login_url, registration.client_id,
                               config.base_url) + "&login_hint=" + quote(login_hint, safe="")
    url += f"&state={state}&nonce={nonce}"
    if params.get("lti_message_hint"):
        url += "&lti_message_hint=" + quote(params["lti_message_hint"], safe="")
    return LoginRedirect(url, state, storage_target, _origin(registration.auth_login_url))


@functools.lru_cache(maxsize=256)
def _auth_request_prefix(auth_login_url: str, client_id: str, base_url: str) -> str:
    separator = "&" if "?" in auth_login_url else "?"
    return auth_login_url + separator + urlencode({
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": client_id,
        "redirect_uri": base_url + "/lti/launch",
    })


def _registration_for_login(conn: Connection, directory: Directory, issuer: str,
                            client_id: str | None) -> PlatformRegistration:
    if client_id:
        registration = directory.registration(conn, issuer, client_id)
        if registration is None:
            raise _unknown_platform(conn, directory, issuer, client_id)
        return _enabled(registration)
    candidates = directory.registrations_for_issuer(conn, issuer)
    if len(candidates) == 1:
        return _enabled(candidates[0])
    if not candidates:
        raise _unknown_platform(conn, directory, issuer, None)
    raise LaunchError(f"{issuer} has several Worklink registrations and its login request does not "
                      "say which (client_id).", code="ambiguous_registration", status=400)


def _enabled(registration: PlatformRegistration) -> PlatformRegistration:
    if registration.disabled:
        raise LaunchError("Worklink has been turned off for this platform by its administrator.",
                          code="registration_disabled", status=403,
                          hint="Ask your LMS administrator, who can ask Worklink's operator.")
    return registration


def _unknown_platform(conn: Connection, directory: Directory, issuer: str,
                      client_id: str | None) -> LaunchError:
    if directory.registrations_for_issuer(conn, issuer):
        return LaunchError(f"Worklink has no registration for client_id {client_id!r} at {issuer}.",
                           code="unknown_client", status=403,
                           hint=gettext("An administrator can register it (see the README)."))
    return LaunchError(f"Worklink is not registered with the platform {issuer}.",
                       code="unknown_issuer", status=403,
                       hint=gettext("An administrator can register it (see the README)."))


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


@dataclasses.dataclass(frozen=True)
class ValidatedLaunch:
    launch: Launch
    state: dict[str, Any]


def validate_launch(work: UnitOfWork, store: EphemeralStore, keys: PlatformKeys,
                    directory: Directory, config: Config, *, id_token: str,
                    state: str) -> ValidatedLaunch:
    """Every check the certification makes, in an order that gives the most precise message."""
    if not state:
        raise LaunchError("The launch has no state.", code="missing_state", status=400)
    # Taking the state consumes it, and with it the nonce it carries: a replayed launch finds
    # nothing, whichever worker it reaches.
    remembered = store.take("state:" + state)
    if remembered is None:
        raise LaunchError(gettext("This launch has expired or was already used."),
                          code="state_not_found", status=400,
                          hint=gettext("Open Worklink again from your course."))
    token = validation.parse(id_token)
    kid = validation.check_header(token)
    payload = token.payload
    issuer = payload.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise LaunchError("The id_token has no issuer (iss).", code="missing_iss")
    client_id = validation.audience(payload)
    registration = directory.registration(work.connection, issuer, client_id)
    if registration is None:
        raise _unknown_platform(work.connection, directory, issuer, client_id)
    _enabled(registration)
    if registration.id != remembered["registration_id"]:
        raise LaunchError("The id_token comes from a different platform or client than the login "
                          "that started this launch.", code="state_mismatch")
    validation.verify_signature(token, keys, kid=kid, key_set_url=registration.key_set_url,
                                inline=registration.key_set)
    validation.check_times(payload, skew=config.clock_skew_seconds)
    if payload.get("nonce") != remembered["nonce"]:
        raise LaunchError("The id_token's nonce does not match this launch (a replayed or forged "
                          "token).", code="bad_nonce")
    validation.check_lti_claims(payload, allow_anonymous=config.allow_anonymous_launch)
    if payload[c.TARGET_LINK_URI] != remembered["target_link_uri"]:
        raise LaunchError("The id_token's target_link_uri differs from the one the login asked for.",
                          code="bad_target_link_uri")
    deployment = _deployment(work, directory, registration, payload[c.DEPLOYMENT_ID], config)
    launch = Launch.from_claims(payload, launch_id=secrets.token_urlsafe(16),
                                registration_id=registration.id, deployment_pk=deployment.id,
                                client_id=client_id)
    return ValidatedLaunch(launch, remembered)


def _deployment(work: UnitOfWork, directory: Directory, registration: PlatformRegistration,
                deployment_id: str, config: Config) -> DeploymentInfo:
    deployment = directory.deployment(work.connection, registration.id, deployment_id)
    if deployment is None:
        # Canvas makes a new deployment_id for every install of a developer key, so this is the
        # ordinary path for a new school or course, not an attack.
        status = (DeploymentStatus.ACTIVE if config.unknown_deployment_policy is DeploymentPolicy.ACCEPT
                  else DeploymentStatus.PENDING)
        insert_ignore(work.writer, Deployment,
                      {"registration_id": registration.id, "deployment_id": deployment_id},
                      {"status": status})
        # Kept even when the launch goes on to fail: the admin must see the pending install.
        work.commit()
        if status is DeploymentStatus.PENDING:
            log.warning("new deployment %r of registration %s waits for an operator: "
                        "worklink platform deployments approve %s %r", deployment_id,
                        registration.id, registration.id, deployment_id)
        deployment = directory.deployment(work.connection, registration.id, deployment_id)
        assert deployment is not None
    if deployment.status is DeploymentStatus.PENDING:
        raise LaunchError(gettext("This installation of Worklink is waiting for an administrator "
                                  "to approve it."),
                          code="deployment_pending", status=403,
                          hint=gettext("Tell your Worklink administrator the deployment id: "
                                       "%(id)s.", id=deployment_id))
    if deployment.status is DeploymentStatus.DISABLED:
        raise LaunchError(gettext("This installation of Worklink has been turned off by an "
                                  "administrator."),
                          code="deployment_disabled", status=403)
    return deployment
