"""Finding the tool's keys: from its published JWKS, else from the keys module, else a clear error."""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.app import create_app
from lti_tool.db import Database
from lti_tool.lti.keys import public_jwks
from lti_tool.sandbox.tool_keys import ToolKeysUnavailable, published_tool_keys

JWKS = {"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]}


def test_the_published_key_set_is_read_in_process():
    app = Flask(__name__)
    app.add_url_rule("/lti/jwks.json", "jwks", lambda: JWKS)

    read = published_tool_keys(app, "https://worklink.test/lti/jwks.json", fallback=lambda _app: None)

    assert read() == JWKS


def test_the_keys_module_serves_when_nothing_is_published():
    read = published_tool_keys(Flask(__name__), "https://worklink.test/lti/jwks.json",
                               fallback=lambda _app: JWKS)
    assert read() == JWKS


def test_no_keys_anywhere_is_a_clear_error():
    read = published_tool_keys(Flask(__name__), "https://worklink.test/lti/jwks.json",
                               fallback=lambda _app: None)
    with pytest.raises(ToolKeysUnavailable, match="cannot verify"):
        read()


def test_worklinks_own_key_set_is_what_the_sandbox_trusts(sandbox_config, connection, db):
    app = create_app(sandbox_config, database=Database(sandbox_config.database_url, bind=connection))

    trusted = app.extensions["worklink.sandbox"].tool_keys()

    assert {k["kid"] for k in trusted["keys"]} == {k["kid"] for k in public_jwks(db)["keys"]}
    assert not any("d" in k for k in trusted["keys"])
