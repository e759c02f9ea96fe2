"""``worklink keys``: list and rotate the tool's signing keys."""

from __future__ import annotations

from tests.lti_tool.cli.conftest import Invoke


def _rows(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.strip().splitlines()]


def test_list_creates_the_first_keys(worklink: Invoke) -> None:
    result = worklink("keys", "list")
    assert result.exit_code == 0
    statuses = sorted(row[1] for row in _rows(result.output))
    assert statuses == ["current", "next"]


def test_rotate_promotes_next_and_keeps_the_old_key_published(worklink: Invoke) -> None:
    before = {row[1]: row[0] for row in _rows(worklink("keys", "list").output)}
    rotated = worklink("keys", "rotate", "--overlap-days", "3")
    assert rotated.exit_code == 0 and before["next"] in rotated.output
    after = {row[0]: row for row in _rows(worklink("keys", "list").output)}
    assert after[before["next"]][1] == "current"
    assert after[before["current"]][1:3] == ["retired", "published"]
    assert "published until" in after[before["current"]][-1]


def test_rotate_refuses_a_negative_overlap(worklink: Invoke) -> None:
    assert worklink("keys", "rotate", "--overlap-days", "-1").exit_code == 2
