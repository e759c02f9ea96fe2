"""Our deep-linking response through the sandbox LMS, which checks what lti1p3platform leaves out.

The sandbox verifies the signature, aud/iss, exp/iat, nonce, deployment and that ``data`` echoes
a request it sent; then the task becomes a placement with a gradebook column, and launching it
brings the signed task reference back.
"""

from __future__ import annotations

from typing import Any

import jwt
from flask.testing import FlaskClient

from lti_tool.lti.custom_params import read_task_reference, sign_task_reference
from lti_tool.lti.deep_linking import (
    ContentItem,
    DeepLinkingRequest,
    LineItemSpec,
    build_response,
)
from lti_tool.lti.keys import SigningKey as ToolSigningKey
from tests.lti_tool.sandbox.conftest import (  # noqa: F401  (fixtures)
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    SigningKey,
    launch_token,
    lms,
    sandbox_app,
    sandbox_config,
    tool_key,
)

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
SECRET = "sandbox-round-trip"


def _answer(launch_token: Any, tool_key: SigningKey, items: list[ContentItem]) -> str:
    claims = jwt.decode(launch_token("Rivera", deep_link=True), options={"verify_signature": False})
    request = DeepLinkingRequest.from_settings(claims[DL_SETTINGS], platform_issuer=ISSUER,
                                               client_id=CLIENT_ID, deployment_id=DEPLOYMENT_ID)
    key = ToolSigningKey(tool_key.kid, tool_key.private, "")
    return build_response(request, items, signing_key=key, msg="Task added").jwt


def test_the_sandbox_adds_the_task_with_its_column_and_launches_it(lms: FlaskClient, tool_key: SigningKey,
                                                                   launch_token: Any) -> None:
    item = ContentItem(title="Hospital job shadow", text="One shift on a ward.",
                       custom=sign_task_reference(17, "sandbox-course", secret=SECRET),
                       line_item=LineItemSpec(16, "Hospital job shadow", "worklink-task-17", "worklink"))
    page = lms.post("/sandbox/deep-link-return", data={"JWT": _answer(launch_token, tool_key, [item])})
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text
    assert "Content added" in text and "Hospital job shadow" in text and "out of 16" in text
    assert "Task added" in text
    claims = jwt.decode(launch_token("Amani", placement_id=2), options={"verify_signature": False})
    reference = read_task_reference(claims[CUSTOM], secret=SECRET)
    assert reference is not None and reference.task_id == 17


def test_the_sandbox_refuses_the_same_response_twice(lms: FlaskClient, tool_key: SigningKey,
                                                     launch_token: Any) -> None:
    token = _answer(launch_token, tool_key, [ContentItem(title="Job shadow")])
    assert lms.post("/sandbox/deep-link-return", data={"JWT": token}).status_code == 200
    again = lms.post("/sandbox/deep-link-return", data={"JWT": token})
    assert again.status_code == 422 and "already answered" in again.get_data(as_text=True)
