"""pylti1p3 reads registrations, deployments and the tool's keys from the database through this.

Worklink validates launches itself (see :mod:`lti_tool.lti.validation`); pylti1p3 serves the
LTI Advantage services (deep linking responses, AGS, NRPS), which need a ``ToolConf``.
"""

from __future__ import annotations

from typing import Any, cast

from pylti1p3.deployment import Deployment as PyltiDeployment
from pylti1p3.registration import Registration as PyltiRegistration
from pylti1p3.registration import TKeySet
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy.orm import Session

from lti_tool.lti import keys
from lti_tool.lti.registrations import find_deployment, find_registration, registrations_for_issuer
from lti_tool.models import DeploymentStatus, Registration


class KeyedRegistration(PyltiRegistration):
    """pylti1p3's registration with our kid: pylti1p3 would derive it from a public PEM on every
    signature (a jwcrypto parse each time)."""

    _worklink_kid: str | None = None

    def set_kid(self, kid: str) -> KeyedRegistration:
        self._worklink_kid = kid
        return self

    def get_kid(self) -> str | None:
        return self._worklink_kid


class DatabaseToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """Many tenants: each issuer may have many client ids, each with many deployments."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Every issuer may have several client ids (one per Canvas developer key, for example).
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> PyltiRegistration:
        candidates = registrations_for_issuer(self.session, iss)
        if len(candidates) != 1:
            raise LookupError(f"{iss} has {len(candidates)} registrations; a client_id is needed")
        return self._to_pylti(candidates[0])

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any,
                                    **kwargs: Any) -> PyltiRegistration:
        registration = find_registration(self.session, iss, client_id)
        if registration is None:
            raise LookupError(f"no registration for client_id {client_id!r} at {iss}")
        if registration.disabled_at is not None:
            raise LookupError("Worklink's operator has turned this platform's registration off")
        return self._to_pylti(registration)

    def find_deployment(self, iss: str, deployment_id: str) -> PyltiDeployment | None:
        candidates = registrations_for_issuer(self.session, iss)
        if len(candidates) != 1:
            return None
        return self._deployment(candidates[0], deployment_id)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args: Any,
                                  **kwargs: Any) -> PyltiDeployment | None:
        registration = find_registration(self.session, iss, client_id)
        return None if registration is None else self._deployment(registration, deployment_id)

    def get_jwks(self, iss: str | None = None, client_id: str | None = None,
                 **kwargs: Any) -> dict[str, Any]:
        return keys.public_jwks(self.session)

    def _deployment(self, registration: Registration, deployment_id: str) -> PyltiDeployment | None:
        deployment = find_deployment(self.session, registration, deployment_id)
        if deployment is None or deployment.status is not DeploymentStatus.ACTIVE:
            return None
        return PyltiDeployment().set_deployment_id(deployment_id)

    def _to_pylti(self, registration: Registration) -> PyltiRegistration:
        signing = keys.signing_key(self.session)
        pylti = (
            KeyedRegistration()
            .set_kid(signing.kid)
            .set_issuer(registration.issuer)
            .set_client_id(registration.client_id)
            .set_auth_login_url(registration.auth_login_url)
            .set_auth_token_url(registration.auth_token_url)
            .set_key_set_url(registration.key_set_url)
            # The column holds the JWKS the platform's admin gave (a JSON object with "keys").
            .set_key_set(cast(TKeySet | None, registration.key_set))
            # A parsed key object, not the PEM: PyJWT signs with it directly, so the ~50 ms PEM
            # parse pylti1p3 would repeat on every service call happens once per process.
            .set_tool_private_key(signing.private_key)  # type: ignore[arg-type]
        )
        if registration.auth_audience:
            pylti.set_auth_audience(registration.auth_audience)
        return pylti
