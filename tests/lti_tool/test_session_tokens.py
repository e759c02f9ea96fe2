"""The launch session token: what it carries, and everything that must make it worthless."""

from __future__ import annotations

import base64
import json

import pytest

from lti_tool.security import Principal, Role, SessionTokens

PRINCIPAL = Principal(user_id=7, registration_id=2, course_id=11, role=Role.STUDENT,
                      launch_id="launch-abc")
NOW = 1_800_000_000


def test_a_token_reads_back_as_the_principal_it_was_issued_for() -> None:
    tokens = SessionTokens("k" * 32)
    token = tokens.issue(PRINCIPAL, now=NOW)
    assert tokens.read(token, 3600, now=NOW + 3599) == PRINCIPAL
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_a_token_without_user_or_course_reads_back_too() -> None:
    tokens = SessionTokens("k" * 32)
    guest = Principal(None, 3, None, Role.GUEST, "l")
    assert tokens.read(tokens.issue(guest, now=NOW), 60, now=NOW) == guest


def test_an_old_token_is_refused() -> None:
    tokens = SessionTokens("k" * 32)
    assert tokens.read(tokens.issue(PRINCIPAL, now=NOW), 3600, now=NOW + 3601) is None


def test_another_key_refuses_the_token() -> None:
    token = SessionTokens("k" * 32).issue(PRINCIPAL, now=NOW)
    assert SessionTokens("j" * 32).read(token, 3600, now=NOW) is None


def _reencode(payload: list[object]) -> bytes:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")


def test_a_changed_payload_is_refused_even_with_the_old_signature() -> None:
    tokens = SessionTokens("k" * 32)
    body, _, signature = tokens.issue(PRINCIPAL, now=NOW).partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload[5] = Role.TEACHER.value  # a student promoting themselves
    forged = _reencode(payload).decode() + "." + signature
    assert tokens.read(forged, 3600, now=NOW) is None


@pytest.mark.parametrize("garbage", ["", ".", "abc", "abc.def", "a.b.c", "é.é", "x" * 5000])
def test_garbage_is_refused_without_an_error(garbage: str) -> None:
    assert SessionTokens("k" * 32).read(garbage, 3600, now=NOW) is None


def test_a_correctly_signed_token_of_the_wrong_shape_is_refused() -> None:
    tokens = SessionTokens("k" * 32)
    for payload in ([1, NOW, 1], [2, NOW, 7, 2, 11, "student", "l"], [1, "soon", 7, 2, 11, "student", "l"],
                    [1, NOW, 7, 2, 11, "emperor", "l"], {"role": "teacher"}):
        body = _reencode(payload)  # type: ignore[arg-type]
        token = (body + b"." + tokens._sign(body)).decode()
        assert tokens.read(token, 3600, now=NOW) is None, payload
