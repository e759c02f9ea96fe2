"""``worklink keys``: list and rotate the tool's signing keys."""

from __future__ import annotations

import jwt
from sqlalchemy.orm import Session

from competencies.audit import Actor
from lti_tool.config import Config
from lti_tool.db import make_engine
from lti_tool.employer import issuing, tokens
from tests.competencies.partners.factories import school
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


def test_rotating_employer_link_keys_leaves_the_lti_keys_and_old_links_alone(
        worklink: Invoke, cli_env: dict[str, str]) -> None:
    assert "no employer-link keys yet" in worklink("keys", "rotate", "--employer-links").output
    lti_before = worklink("keys", "list").output
    engine = make_engine(cli_env["WORKLINK_DATABASE_URL"])
    config = Config.from_env(cli_env)
    with Session(engine, expire_on_commit=False) as db:
        s = school(db)
        link = issuing.issue_link(db, config, s.place(db), Actor("teacher", "T"))
        token = link.url.split("#")[1]
    rotated = worklink("keys", "rotate", "--employer-links", "--overlap-days", "1")
    assert rotated.exit_code == 0
    assert "links signed before keep working for 14 day(s)" in rotated.output
    assert worklink("keys", "list").output == lti_before
    with Session(engine, expire_on_commit=False) as db:
        # The link signed before the rotation still opens; a new one is signed with the new key.
        assert tokens.verify(db, token, config.base_url).link.id == link.link.id
        new_kid = jwt.get_unverified_header(issuing.link_url(db, config, link.link)
                                            .split("#")[1])["kid"]
        assert new_kid != jwt.get_unverified_header(token)["kid"]
    engine.dispose()
