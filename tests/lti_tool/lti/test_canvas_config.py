"""The Canvas developer key JSON, checked against Canvas's documented shape."""

from __future__ import annotations

from flask.testing import FlaskClient

from lti_tool.config import Config
from lti_tool.lti.canvas_config import canvas_configuration

# instructure/canvas-lms doc/api/lti_dev_key_config.md: required top-level fields, and the
# scopes a developer key may hold.
CANVAS_REQUIRED = {"title", "description", "oidc_initiation_url", "target_link_uri"}
CANVAS_ALLOWED_SCOPES = {
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://canvas.instructure.com/lti/public_jwk/scope/update",
}
PRIVACY_LEVELS = {"anonymous", "public", "name_only", "email_only"}


def test_canvas_json_is_served_with_the_fixed_urls(client: FlaskClient) -> None:
    response = client.get("/lti/canvas.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert CANVAS_REQUIRED <= set(document)
    assert document["oidc_initiation_url"] == "https://worklink.test/lti/login"
    assert document["target_link_uri"] == "https://worklink.test/lti/launch"
    assert document["public_jwk_url"] == "https://worklink.test/lti/jwks.json"
    assert "public_jwk" not in document  # the URL follows rotations; a pasted key would not


def test_scopes_are_ones_a_canvas_developer_key_accepts(config: Config) -> None:
    scopes = canvas_configuration(config)["scopes"]
    assert set(scopes) <= CANVAS_ALLOWED_SCOPES
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in scopes
    assert "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly" in scopes


def test_one_canvas_extension_with_public_privacy(config: Config) -> None:
    (extension,) = canvas_configuration(config)["extensions"]
    assert extension["platform"] == "canvas.instructure.com"
    assert extension["privacy_level"] in PRIVACY_LEVELS and extension["privacy_level"] == "public"
    assert extension["domain"] == "worklink.test"


def test_placements_deep_link_for_tasks_and_open_the_teacher_view(config: Config) -> None:
    (extension,) = canvas_configuration(config)["extensions"]
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert set(placements) == {"assignment_selection", "link_selection", "course_navigation"}
    for name in ("assignment_selection", "link_selection"):
        assert placements[name]["message_type"] == "LtiDeepLinkingRequest"
        assert placements[name]["target_link_uri"] == "https://worklink.test/lti/launch"
    navigation = placements["course_navigation"]
    assert navigation["message_type"] == "LtiResourceLinkRequest"
    assert navigation["target_link_uri"] == "https://worklink.test/lti/launch"
    assert navigation["visibility"] == "admins"  # teachers and admins, not learners
    assert navigation["default"] == "enabled"


def test_custom_fields_use_canvas_variables_and_no_login_id(config: Config) -> None:
    custom = canvas_configuration(config)["custom_fields"]
    assert custom["canvas_course_id"] == "$Canvas.course.id"
    assert custom["context_id_history"] == "$Context.id.history"
    assert all(isinstance(v, str) and v.startswith("$") for v in custom.values())
    assert "$Canvas.user.loginId" not in custom.values()


def test_the_icon_in_the_configuration_is_served(client: FlaskClient) -> None:
    document = client.get("/lti/canvas.json").get_json()
    icon = document["extensions"][0]["settings"]["icon_url"]
    assert icon == "https://worklink.test/static/worklink-icon.svg"
    with client.get(icon.removeprefix("https://worklink.test")) as served:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
        assert b"<svg" in served.data and len(served.data) < 2048
