"""Run ``worklink`` commands in-process against a database of their own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lti_tool.cli import main
from tests.lti_tool.storage.s3_server import PREFIX

Invoke = Callable[..., Result]


@pytest.fixture
def cli_env(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "WORKLINK_DATABASE_URL": fresh_database_url,
        "WORKLINK_INSTANCE_DIR": str(tmp_path / "instance"),
        "WORKLINK_SECRET_KEY": "cli-test-secret",
        "WORKLINK_BASE_URL": "https://worklink.test",
        "WORKLINK_MODE": "dev",
    }


@pytest.fixture
def worklink(cli_env: dict[str, str]) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), env=cli_env, catch_exceptions=False)

    return invoke


def on_bucket(cli_env: dict[str, str], endpoint: str, bucket: str,
              keys: tuple[str, str] = ("test", "test")) -> None:
    """The commands keep files under ``school-a/`` in ``bucket`` on the S3 server at
    ``endpoint``."""
    cli_env.update({
        "WORKLINK_STORAGE": "s3", "WORKLINK_S3_BUCKET": bucket,
        "WORKLINK_S3_ENDPOINT_URL": endpoint, "WORKLINK_S3_REGION": "us-east-1",
        "WORKLINK_S3_ACCESS_KEY_ID": keys[0], "WORKLINK_S3_SECRET_ACCESS_KEY": keys[1],
        "WORKLINK_S3_PREFIX": PREFIX})
