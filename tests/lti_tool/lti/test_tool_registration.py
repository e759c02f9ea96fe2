"""The client registration Worklink posts, as the fake Moodle and Canvas on loopback
(registration_platform.py) receive it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.lti_tool.lti.registration_platform import (
    CANVAS,
    TOOL_CONFIGURATION,
    FakePlatform,
    register_from,
)

pytestmark = pytest.mark.usefixtures("no_registrations")


def test_moodle_is_sent_the_tool_document_it_needs(
    client: FlaskClient, moodle: FakePlatform
) -> None:
    register_from(client, moodle)
    (posted,) = moodle.posted
    assert posted["initiate_login_uri"] == "https://worklink.test/lti/login"
    assert posted["redirect_uris"] == ["https://worklink.test/lti/launch"]
    assert posted["jwks_uri"] == "https://worklink.test/lti/jwks.json"
    # The icon Moodle's activity chooser shows, served by Worklink itself.
    assert posted["logo_uri"] == "https://worklink.test/static/worklink-icon.svg"
    assert set(posted["scope"].split()) == {
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }
    tool = posted[TOOL_CONFIGURATION]
    assert tool["domain"] == "worklink.test"
    assert tool["target_link_uri"] == "https://worklink.test/lti/launch"
    assert set(tool["claims"]) == {"iss", "sub", "name", "given_name", "family_name", "email"}
    messages = {m["type"]: m for m in tool["messages"]}
    assert messages["LtiDeepLinkingRequest"]["placements"] == ["ContentArea"]
    assert "placements" not in messages["LtiResourceLinkRequest"]
    assert {m["icon_uri"] for m in messages.values()} == {posted["logo_uri"]}
    assert "rubric" in tool["description"] and "gradebook" in tool["description"]
    # Moodle 4.5's tool card shows about four short lines of it before it scrolls.
    assert len(tool["description"]) <= 110
    assert not any(k.startswith("https://canvas.instructure.com") for k in tool)


def test_canvas_is_asked_for_its_placements_and_privacy(
    client: FlaskClient, canvas: FakePlatform
) -> None:
    response = register_from(client, canvas)
    assert response.status_code == 200, response.data
    (posted,) = canvas.posted
    tool = posted[TOOL_CONFIGURATION]
    assert tool[f"{CANVAS}/privacy_level"] == "public"
    assert tool["custom_parameters"]["canvas_course_id"] == "$Canvas.course.id"
    messages = {m["type"]: m for m in tool["messages"]}
    navigation = messages["LtiResourceLinkRequest"]
    assert navigation["placements"] == ["course_navigation"]
    assert navigation[f"{CANVAS}/visibility"] == "admins"
    assert navigation[f"{CANVAS}/course_navigation/default_enabled"] is True
    assert messages["LtiDeepLinkingRequest"]["placements"] == [
        "assignment_selection", "link_selection",
    ]
