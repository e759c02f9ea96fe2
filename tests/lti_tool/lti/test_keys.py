"""The tool's keys: creation, rotation with an overlap, the published JWKS, the parsed-key cache."""

from __future__ import annotations

import datetime as dt
import json

import jwt
import pytest
from flask.testing import FlaskClient
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from lti_tool.lti import keys
from lti_tool.models import KeyStatus, ToolKey


@pytest.fixture(autouse=True)
def no_keys(db: Session) -> None:
    """Start from an empty key table.

    On SQLite a commit inside the test savepoint outlives the test (pysqlite's own
    transaction handling), so another test's keys may still be there.
    """
    db.execute(delete(ToolKey))


def _by_status(db: Session) -> dict[KeyStatus, list[str]]:
    found: dict[KeyStatus, list[str]] = {s: [] for s in KeyStatus}
    for key in keys.all_keys(db):
        found[key.status].append(key.kid)
    return found


def test_ensure_keys_creates_one_current_and_one_next_once(db: Session) -> None:
    assert keys.ensure_keys(db) is True
    assert keys.ensure_keys(db) is False
    found = _by_status(db)
    assert len(found[KeyStatus.CURRENT]) == 1 and len(found[KeyStatus.NEXT]) == 1
    assert found[KeyStatus.RETIRED] == []


def test_rotation_promotes_next_and_retires_current(db: Session) -> None:
    keys.ensure_keys(db)
    before = _by_status(db)
    promoted = keys.rotate(db, dt.timedelta(days=7))
    after = _by_status(db)
    assert promoted.kid == before[KeyStatus.NEXT][0]
    assert after[KeyStatus.CURRENT] == before[KeyStatus.NEXT]
    assert after[KeyStatus.RETIRED] == before[KeyStatus.CURRENT]
    (new_next,) = after[KeyStatus.NEXT]
    assert new_next not in before[KeyStatus.NEXT]


def test_retired_key_is_published_only_inside_the_overlap(db: Session) -> None:
    keys.ensure_keys(db)
    old_current = _by_status(db)[KeyStatus.CURRENT][0]
    now = utcnow()
    keys.rotate(db, dt.timedelta(days=2), now=now)

    inside = {k["kid"] for k in keys.public_jwks(db, now=now + dt.timedelta(days=1))["keys"]}
    outside = {k["kid"] for k in keys.public_jwks(db, now=now + dt.timedelta(days=3))["keys"]}
    assert old_current in inside
    assert old_current not in outside
    assert len(outside) == 2  # current + next


def test_a_later_rotation_deletes_keys_past_their_window(db: Session) -> None:
    keys.ensure_keys(db)
    first = _by_status(db)[KeyStatus.CURRENT][0]
    now = utcnow()
    keys.rotate(db, dt.timedelta(hours=1), now=now)
    keys.rotate(db, dt.timedelta(hours=1), now=now + dt.timedelta(hours=2))
    assert first not in {k.kid for k in keys.all_keys(db)}
    assert len(_by_status(db)[KeyStatus.RETIRED]) == 1


def test_jwks_has_public_members_only(db: Session) -> None:
    keys.ensure_keys(db)
    keys.rotate(db)
    published = keys.public_jwks(db)["keys"]
    assert len(published) == 3
    for jwk in published:
        assert set(jwk) == {"kty", "kid", "alg", "use", "n", "e"}
        assert (jwk["kty"], jwk["alg"], jwk["use"]) == ("RSA", "RS256", "sig")
    text = json.dumps(published)
    assert "PRIVATE" not in text and '"d"' not in text and '"p"' not in text


def test_a_token_signed_with_the_parsed_key_verifies_with_the_published_jwk(db: Session) -> None:
    signing = keys.signing_key(db)  # creates the keys on first use
    token = jwt.encode({"iss": "worklink", "aud": "platform"}, signing.private_key,
                       algorithm="RS256", headers={"kid": signing.kid})
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys.public_jwks(db)["keys"] if k["kid"] == kid)
    claims = jwt.decode(token, RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"],
                        audience="platform")
    assert claims["iss"] == "worklink"
    assert "BEGIN PRIVATE KEY" in signing.pem


def test_signing_key_is_parsed_once_and_follows_a_rotation(db: Session) -> None:
    keys.forget_parsed_keys()
    keys.ensure_keys(db)
    first = keys.signing_key(db)
    assert keys.signing_key(db) is first  # the same parsed object, not a re-parse
    keys.rotate(db)
    second = keys.signing_key(db)
    assert second.kid != first.kid
    assert second.kid == _by_status(db)[KeyStatus.CURRENT][0]


def test_a_cached_signing_key_is_neither_read_nor_parsed_again(db: Session) -> None:
    """After the first use, signing asks only which key is current (one small query)."""
    keys.forget_parsed_keys()
    keys.ensure_keys(db)
    keys.signing_key(db)
    statements: list[str] = []
    connection = db.connection()
    listener = lambda *args: statements.append(args[2])  # (conn, cursor, statement, …)
    event.listen(connection, "before_cursor_execute", listener)
    try:
        for _ in range(3):
            keys.signing_key(db)
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert len(statements) == 3
    assert not any("private_pem" in statement for statement in statements)


def test_a_retired_key_never_signs(db: Session) -> None:
    keys.ensure_keys(db)
    keys.rotate(db)
    retired = _by_status(db)[KeyStatus.RETIRED]
    assert keys.signing_key(db).kid not in retired


def test_jwks_endpoint_serves_the_keys_with_an_hour_of_caching(
    client: FlaskClient, db: Session
) -> None:
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    kids = {k["kid"] for k in response.get_json()["keys"]}
    assert len(kids) == 2


def test_rows_never_hold_private_members_in_the_public_jwk(db: Session) -> None:
    row = keys.new_key(KeyStatus.NEXT)
    assert set(row.public_jwk) == {"kty", "kid", "alg", "use", "n", "e"}
    assert row.kid == keys._thumbprint({k: row.public_jwk[k] for k in ("kty", "n", "e")})


@pytest.mark.parametrize("status", [KeyStatus.CURRENT, KeyStatus.NEXT])
def test_new_key_marks_activation_only_for_current(status: KeyStatus) -> None:
    row: ToolKey = keys.new_key(status)
    assert (row.activated_at is not None) == (status is KeyStatus.CURRENT)


def test_keys_of_another_purpose_are_never_published_nor_sign_lti(db: Session) -> None:
    """An employer-link key rotates like the LTI keys but stays out of the platforms' JWKS."""
    keys.ensure_keys(db)
    lti_kids = {k["kid"] for k in keys.public_jwks(db)["keys"]}
    lti_signer = keys.signing_key(db).kid
    purpose = "employer-link:1"
    other = keys.signing_key(db, purpose)
    keys.rotate(db, purpose=purpose)
    assert {k["kid"] for k in keys.public_jwks(db)["keys"]} == lti_kids
    assert keys.signing_key(db).kid == lti_signer
    assert other.kid not in lti_kids and keys.signing_key(db, purpose).kid != other.kid
    assert {k.purpose for k in keys.all_keys(db, purpose)} == {purpose}
