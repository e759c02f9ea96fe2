"""The one signing module: a key per purpose, expiry, rotation, and everything that must fail."""

from __future__ import annotations

import base64
import json

import pytest

from lti_tool.signing import Purpose, Signer

NOW = 1_800_000_000


def test_a_token_reads_back_until_it_expires() -> None:
    signer = Signer("k" * 32)
    token = signer.dumps(Purpose.SESSION, "abc", max_age=3600, now=NOW)
    assert signer.loads(Purpose.SESSION, token, now=NOW + 3599) == "abc"
    assert signer.loads(Purpose.SESSION, token, now=NOW + 3600) is None
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@pytest.mark.parametrize("other", [p for p in Purpose if p is not Purpose.SESSION])
def test_a_token_made_for_one_purpose_is_worthless_for_another(other: Purpose) -> None:
    signer = Signer("k" * 32)
    token = signer.dumps(Purpose.SESSION, "abc", max_age=3600, now=NOW)
    assert signer.loads(other, token, now=NOW) is None
    assert signer.keys(other)[0] != signer.keys(Purpose.SESSION)[0]


def test_another_secret_refuses_the_token() -> None:
    token = Signer("k" * 32).dumps(Purpose.FORM, [1], max_age=60, now=NOW)
    assert Signer("j" * 32).loads(Purpose.FORM, token, now=NOW) is None


def test_a_previous_secret_verifies_during_the_overlap_but_never_signs() -> None:
    old = Signer("old-secret")
    token = old.dumps(Purpose.ADMIN_LINK, "nonce", max_age=60, now=NOW)
    rotated = Signer("new-secret", ["old-secret"])
    assert rotated.loads(Purpose.ADMIN_LINK, token, now=NOW) == "nonce"
    fresh = rotated.dumps(Purpose.ADMIN_LINK, "nonce", max_age=60, now=NOW)
    assert old.loads(Purpose.ADMIN_LINK, fresh, now=NOW) is None
    assert Signer("new-secret").loads(Purpose.ADMIN_LINK, token, now=NOW) is None  # overlap over


def test_a_changed_payload_is_refused_even_with_the_old_signature() -> None:
    signer = Signer("k" * 32)
    body, _, signature = signer.dumps(Purpose.SESSION, "mine", max_age=60, now=NOW).partition(".")
    forged = base64.urlsafe_b64encode(json.dumps([1, NOW + 60, "yours"]).encode()).rstrip(b"=")
    assert signer.loads(Purpose.SESSION, forged.decode() + "." + signature, now=NOW) is None


@pytest.mark.parametrize("garbage", ["", ".", "abc", "abc.def", "a.b.c", "é.é", "x" * 5000])
def test_garbage_is_refused_without_an_error(garbage: str) -> None:
    assert Signer("k" * 32).loads(Purpose.SESSION, garbage, now=NOW) is None


def test_a_correctly_signed_token_of_the_wrong_shape_is_refused() -> None:
    signer = Signer("k" * 32)
    for payload in ([2, NOW + 60, "x"], [1, "soon", "x"], [1, NOW + 60], {"v": 1}):
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
        token = body + b"." + base64.urlsafe_b64encode(signer.mac(Purpose.SESSION, body)).rstrip(b"=")
        assert signer.loads(Purpose.SESSION, token.decode(), now=NOW) is None, payload


def test_a_short_mac_is_never_enough() -> None:
    signer = Signer("k" * 32)
    mac = signer.mac(Purpose.TASK_REFERENCE, b"message")
    assert signer.verify_mac(Purpose.TASK_REFERENCE, b"message", mac[:16])
    assert not signer.verify_mac(Purpose.TASK_REFERENCE, b"message", mac[:8])
    assert not signer.verify_mac(Purpose.TASK_REFERENCE, b"massage", mac[:16])
