"""``worklink platform``: add by hand, list, approve and disable deployments."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lti_tool.cli.conftest import Invoke

MOODLE = [
    "platform", "add", "--name", "Moodle at Riverside", "--issuer", "https://moodle.example",
    "--client-id", "abc123", "--login-url", "https://moodle.example/mod/lti/auth.php",
    "--token-url", "https://moodle.example/mod/lti/token.php",
]


def test_add_then_list_shows_the_registration_and_its_deployments(worklink: Invoke) -> None:
    added = worklink(*MOODLE, "--jwks-url", "https://moodle.example/mod/lti/certs.php",
                     "--deployment", "1", "--deployment", "2", "--product", "moodle")
    assert added.exit_code == 0, added.output
    assert "registered Moodle at Riverside" in added.output
    listed = worklink("platform", "list")
    assert listed.exit_code == 0
    assert "Moodle at Riverside\tmoodle\thttps://moodle.example\tclient_id abc123" in listed.output
    assert "deployment 1\tactive" in listed.output and "deployment 2\tactive" in listed.output


def test_add_reads_a_jwks_file(worklink: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "platform.jwks"
    path.write_text(json.dumps({"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]}))
    result = worklink(*MOODLE, "--jwks-file", str(path))
    assert result.exit_code == 0, result.output


def test_a_duplicate_registration_fails_with_the_reason(worklink: Invoke) -> None:
    assert worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks").exit_code == 0
    again = worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks")
    assert again.exit_code == 1
    assert "already has a registration for client_id abc123" in again.output


def test_a_bad_url_fails_with_the_reason(worklink: Invoke) -> None:
    result = worklink("platform", "add", "--name", "x", "--issuer", "https://x", "--client-id", "c",
                      "--login-url", "moodle.example/auth", "--token-url", "https://x/token",
                      "--jwks-url", "https://x/jwks")
    assert result.exit_code == 1 and "login URL must be an http(s) URL" in result.output


def test_keys_must_come_from_exactly_one_place(worklink: Invoke, tmp_path: Path) -> None:
    neither = worklink(*MOODLE)
    assert neither.exit_code == 2 and "exactly one of --jwks-url or --jwks-file" in neither.output
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert worklink(*MOODLE, "--jwks-file", str(bad)).exit_code == 1


def test_approve_and_disable_a_deployment(worklink: Invoke) -> None:
    worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks", "--deployment", "1")
    disabled = worklink("platform", "deployments", "disable", "Moodle at Riverside", "1")
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    assert "deployment 1\tdisabled" in worklink("platform", "list").output
    approved = worklink("platform", "deployments", "approve", "abc123", "1")
    assert approved.exit_code == 0
    assert "deployment 1\tactive" in worklink("platform", "list").output


def test_approving_an_unseen_canvas_deployment_adds_it(worklink: Invoke) -> None:
    worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks")
    result = worklink("platform", "deployments", "approve", "1", "42:abcdef")
    assert result.exit_code == 0 and "added and approved" in result.output
    assert "deployment 42:abcdef\tactive" in worklink("platform", "list").output


def test_an_unknown_registration_is_a_clear_error(worklink: Invoke) -> None:
    result = worklink("platform", "deployments", "approve", "nope", "1")
    assert result.exit_code == 1 and "no registration 'nope'" in result.output


def test_list_on_an_empty_database_says_how_to_start(worklink: Invoke) -> None:
    result = worklink("platform", "list")
    assert result.exit_code == 0 and "worklink platform add" in result.output


def test_disable_and_enable_a_registration(worklink: Invoke) -> None:
    worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks", "--deployment", "1")
    off = worklink("platform", "disable", "Moodle at Riverside")
    assert off.exit_code == 0 and "is off" in off.output
    assert "client_id abc123\tOFF since" in worklink("platform", "list").output
    on = worklink("platform", "enable", "abc123")
    assert on.exit_code == 0
    assert "OFF since" not in worklink("platform", "list").output


def test_remove_an_unused_registration(worklink: Invoke) -> None:
    worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks", "--deployment", "1")
    removed = worklink("platform", "remove", "abc123")
    assert removed.exit_code == 0 and "removed Moodle at Riverside" in removed.output
    assert "no platforms registered" in worklink("platform", "list").output


def test_remove_refuses_a_registration_people_launched_from(
        worklink: Invoke, fresh_database_url: str) -> None:
    from sqlalchemy import select

    from lti_tool.db import Database
    from lti_tool.models import Registration, User
    worklink(*MOODLE, "--jwks-url", "https://moodle.example/jwks", "--deployment", "1")
    database = Database(fresh_database_url)
    with database.session() as session:
        registration = session.scalars(select(Registration)).one()
        session.add(User(registration_id=registration.id, sub="student-1"))
        session.commit()
    database.engine.dispose()
    refused = worklink("platform", "remove", "abc123")
    assert refused.exit_code == 1
    assert "in use (1 people)" in refused.output and "worklink platform disable" in refused.output
    assert "Moodle at Riverside" in worklink("platform", "list").output
