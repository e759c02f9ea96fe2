"""The client registration Worklink posts in Dynamic Registration: the tool's URLs, scopes,
claims and messages, shaped for the platform that asked (Canvas's placements, or Moodle's).

What Worklink says about itself comes from :mod:`lti_tool.lti.tool_profile`, shared with the
Canvas JSON configuration, so the install routes cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from lti_tool.config import Config
from lti_tool.lti.platform_configuration import CANVAS, PlatformConfiguration
from lti_tool.lti.tool_profile import (
    CANVAS_CUSTOM_FIELDS,
    CLAIMS,
    CUSTOM_PARAMETERS,
    DESCRIPTION,
    SCOPES,
    ToolUrls,
)

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def tool_registration(config: Config, platform: PlatformConfiguration) -> dict[str, Any]:
    """The client registration Worklink posts (DR 1.0 §3.5.2, Canvas's schema)."""
    urls = ToolUrls.from_config(config)
    scopes = [s for s in SCOPES
              if platform.scopes_supported is None or s in platform.scopes_supported]
    tool: dict[str, Any] = {
        "domain": urls.domain,
        "description": DESCRIPTION,
        "target_link_uri": urls.launch,
        "custom_parameters": dict(
            CANVAS_CUSTOM_FIELDS if platform.is_canvas else CUSTOM_PARAMETERS
        ),
        "claims": list(CLAIMS),
        "messages": _messages(config, platform, urls),
    }
    if platform.is_canvas:
        tool[f"{CANVAS}/privacy_level"] = "public"
        tool[f"{CANVAS}/tool_id"] = "worklink"
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": config.tool_name,
        # OIDC client metadata: Moodle shows it as the tool's icon, Canvas beside its name.
        "logo_uri": urls.icon,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: tool,
    }


def _messages(
    config: Config, platform: PlatformConfiguration, urls: ToolUrls
) -> list[dict[str, Any]]:
    name = config.tool_name
    if platform.is_canvas:
        def offered(message_type: str, *wanted: str) -> list[str]:
            listed = platform.placements.get(message_type, ())
            return [p for p in wanted if not listed or p in listed]

        return [
            {
                "type": "LtiResourceLinkRequest",
                "target_link_uri": urls.launch,
                "label": name,
                "icon_uri": urls.icon,
                "placements": offered("LtiResourceLinkRequest", "course_navigation"),
                # The teacher's course view: "admins" in a course means teachers and admins.
                f"{CANVAS}/course_navigation/default_enabled": True,
                f"{CANVAS}/visibility": "admins",
            },
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": urls.launch,
                "label": f"{name} task",
                "icon_uri": urls.icon,
                "placements": offered(
                    "LtiDeepLinkingRequest", "assignment_selection", "link_selection"
                ),
            },
        ]
    # Other platforms (Moodle) define placements themselves, if at all: Moodle lists
    # "ContentArea" for deep linking. Echo what the platform offers, invent nothing.
    deep_linking: dict[str, Any] = {
        "type": "LtiDeepLinkingRequest", "target_link_uri": urls.launch, "label": f"{name} task",
        "icon_uri": urls.icon,
    }
    if platform.placements.get("LtiDeepLinkingRequest"):
        deep_linking["placements"] = list(platform.placements["LtiDeepLinkingRequest"])
    return [
        {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch, "label": name,
         "icon_uri": urls.icon},
        deep_linking,
    ]
