"""The Canvas developer-key JSON configuration served at ``/lti/canvas.json``.

Shape: Canvas's "Anatomy of a JSON configuration" (instructure/canvas-lms
``doc/api/lti_dev_key_config.md``) and its navigation-tool settings.
"""

from __future__ import annotations

from typing import Any

from lti_tool.config import Config
from lti_tool.lti.tool_profile import CANVAS_CUSTOM_FIELDS, DESCRIPTION, SCOPES, ToolUrls

CANVAS_PLATFORM = "canvas.instructure.com"
DEEP_LINKING = "LtiDeepLinkingRequest"
RESOURCE_LINK = "LtiResourceLinkRequest"


def canvas_configuration(config: Config) -> dict[str, Any]:
    """The developer key JSON an admin pastes, or points Canvas at by URL."""
    urls = ToolUrls.from_config(config)
    return {
        "title": config.tool_name,
        "description": DESCRIPTION,
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.jwks,
        "scopes": list(SCOPES),
        "extensions": [
            {
                "platform": CANVAS_PLATFORM,
                "domain": urls.domain,
                "tool_id": "worklink",
                # Names and email: teachers must recognise learners, employers get emailed.
                # Canvas has ignored privacy_level at times (canvas-lms #1794): the launch
                # code tolerates missing names anyway.
                "privacy_level": "public",
                "settings": {
                    "text": config.tool_name,
                    "icon_url": urls.icon,
                    "placements": _placements(config.tool_name, urls),
                },
            }
        ],
        "custom_fields": dict(CANVAS_CUSTOM_FIELDS),
    }


def _placements(title: str, urls: ToolUrls) -> list[dict[str, Any]]:
    return [
        {
            # "+ Assignment → External tool → Find": a task created by deep linking becomes
            # a graded assignment (the content item carries a line item).
            "placement": "assignment_selection",
            "message_type": DEEP_LINKING,
            "target_link_uri": urls.launch,
            "text": f"{title} task",
        },
        {
            # Modules → Add item → External tool: a link to a task or the learner's log.
            "placement": "link_selection",
            "message_type": DEEP_LINKING,
            "target_link_uri": urls.launch,
            "text": f"{title} task",
        },
        {
            # The teacher's course view (tasks, mappings, evidence to rate). "admins" in a
            # course means teachers and admins; learners reach Worklink through assignments.
            "placement": "course_navigation",
            "message_type": RESOURCE_LINK,
            "target_link_uri": urls.launch,
            "text": title,
            "visibility": "admins",
            "default": "enabled",
        },
    ]
