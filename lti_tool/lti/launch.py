"""The typed launch: what the rest of Worklink knows about an LTI message, and nothing more."""

from __future__ import annotations

import dataclasses
from typing import Any

from lti_tool.lti import claims as c
from lti_tool.lti.roles import worklink_role
from lti_tool.security import Role


@dataclasses.dataclass(frozen=True)
class Context:
    id: str
    title: str | None
    label: str | None


@dataclasses.dataclass(frozen=True)
class ResourceLinkClaim:
    id: str
    title: str | None
    description: str | None


@dataclasses.dataclass(frozen=True)
class Launch:
    """A validated launch. Built only by :mod:`lti_tool.lti.oidc` after every check passed."""

    launch_id: str
    registration_id: int
    deployment_pk: int
    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    sub: str | None
    name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None
    lti_roles: tuple[str, ...]
    role: Role
    context: Context | None
    resource_link: ResourceLinkClaim | None
    custom: dict[str, Any]
    lineitems_url: str | None
    lineitem_url: str | None
    ags_scopes: tuple[str, ...]
    memberships_url: str | None
    deep_linking_settings: dict[str, Any] | None
    return_url: str | None
    locale: str | None
    """The user's locale as the platform says it: LTI's ``launch_presentation.locale``, else
    the OpenID Connect ``locale`` claim (Canvas sends both; Moodle the first)."""
    claims: dict[str, Any] = dataclasses.field(repr=False)

    @property
    def is_deep_linking(self) -> bool:
        return self.message_type == c.DEEP_LINKING_REQUEST

    @classmethod
    def from_claims(cls, claims: dict[str, Any], *, launch_id: str, registration_id: int,
                    deployment_pk: int, client_id: str) -> Launch:
        context = claims.get(c.CONTEXT)
        link = claims.get(c.RESOURCE_LINK)
        ags = claims.get(c.AGS_ENDPOINT) or {}
        nrps = claims.get(c.NRPS) or {}
        custom = claims.get(c.CUSTOM)
        presentation = claims.get(c.LAUNCH_PRESENTATION) or {}
        roles = tuple(claims.get(c.ROLES) or ())
        return cls(
            launch_id=launch_id,
            registration_id=registration_id,
            deployment_pk=deployment_pk,
            issuer=claims["iss"],
            client_id=client_id,
            deployment_id=claims[c.DEPLOYMENT_ID],
            message_type=claims[c.MESSAGE_TYPE],
            sub=claims.get("sub") or None,
            name=_text(claims.get("name")),
            given_name=_text(claims.get("given_name")),
            family_name=_text(claims.get("family_name")),
            email=_text(claims.get("email")),
            lti_roles=roles,
            role=worklink_role(roles),
            context=Context(str(context["id"]), _text(context.get("title")), _text(context.get("label")))
            if isinstance(context, dict) else None,
            resource_link=ResourceLinkClaim(str(link["id"]), _text(link.get("title")),
                                            _text(link.get("description")))
            if isinstance(link, dict) and link.get("id") else None,
            custom=custom if isinstance(custom, dict) else {},
            lineitems_url=_text(ags.get("lineitems")) if isinstance(ags, dict) else None,
            lineitem_url=_text(ags.get("lineitem")) if isinstance(ags, dict) else None,
            ags_scopes=tuple(ags.get("scope") or ()) if isinstance(ags, dict) else (),
            memberships_url=_text(nrps.get("context_memberships_url")) if isinstance(nrps, dict) else None,
            deep_linking_settings=claims.get(c.DEEP_LINKING_SETTINGS),
            return_url=_text(presentation.get("return_url")) if isinstance(presentation, dict) else None,
            locale=(_text(presentation.get("locale")) if isinstance(presentation, dict) else None)
            or _text(claims.get("locale")),
            claims=claims,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
