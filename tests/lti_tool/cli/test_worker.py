"""``worklink worker --once`` removes launch values past their expiry and sends queued mail;
the worker starts only once a file can be written to its storage and deleted for good.

Buckets on moto's S3 server on 127.0.0.1 (tests/lti_tool/storage/s3_server.py).
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from lti_tool.cli import main
from lti_tool.config import Config
from lti_tool.db import make_engine
from lti_tool.employer import issuing
from lti_tool.models import EphemeralValue, OutboundMail
from tests.competencies.partners.factories import school
from tests.lti_tool.cli.conftest import Invoke, on_bucket
from tests.lti_tool.mail.smtp_server import smtp_server
from tests.lti_tool.storage.s3_server import (
    credentials_denied,
    emptied,
    everything_in,
    permissions_checked,
)


def test_worker_once_purges_only_expired_values(fresh_database_url: str, tmp_path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKLINK_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("WORKLINK_INSTANCE_DIR", str(tmp_path))
    engine = make_engine(fresh_database_url)
    now = int(time.time())
    with engine.begin() as conn:
        conn.execute(insert(EphemeralValue), [
            {"key": "state:old", "value": b"{}", "expires_at": now - 60},
            {"key": "state:live", "value": b"{}", "expires_at": now + 540},
        ])
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        assert list(conn.scalars(select(EphemeralValue.key))) == ["state:live"]
    engine.dispose()


def test_worker_once_sends_queued_employer_link_mail(fresh_database_url: str, tmp_path,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker, not the teacher's page, talks to the SMTP server."""
    engine = make_engine(fresh_database_url)
    with smtp_server() as (inbox, port):
        for name, value in {"DATABASE_URL": fresh_database_url, "INSTANCE_DIR": str(tmp_path),
                            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                            "SMTP_SECURITY": "none", "BASE_URL": "https://worklink.test"}.items():
            monkeypatch.setenv(f"WORKLINK_{name}", value)
        with Session(engine, expire_on_commit=False) as db:
            s = school(db)
            issuing.issue_link(db, Config.from_env(), s.place(db), Actor("teacher", "Lucia"))
        result = CliRunner().invoke(main, ["worker", "--once"])
        assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 1
    with engine.connect() as conn:
        assert list(conn.scalars(select(OutboundMail.status))) == ["sent"]
    engine.dispose()


BUCKET = "worklink-worker"


def test_the_worker_does_not_start_when_its_storage_cannot_be_reached(
        worklink: Invoke, cli_env: dict[str, str]) -> None:
    """WORKLINK_S3_ENDPOINT_URL names a port nothing listens on."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{unused.getsockname()[1]}"
    on_bucket(cli_env, endpoint, BUCKET)
    with _stopped_if_started():
        result = worklink("worker")
    assert result.exit_code == 1
    assert (f"the worker did not start: its storage check failed: S3 bucket {BUCKET} under "
            f"school-a/ at {endpoint}: the bucket's versioning could not be read: Could not "
            f"connect to the endpoint URL") in result.output


def test_the_worker_does_not_start_on_a_bucket_that_does_not_exist(
        worklink: Invoke, cli_env: dict[str, str], s3_server: str) -> None:
    on_bucket(cli_env, s3_server, "worklink-misspelt")
    result = worklink("worker", "--once")
    assert result.exit_code == 1
    assert "S3 bucket worklink-misspelt" in result.output and "NoSuchBucket" in result.output


def test_the_worker_does_not_start_when_a_delete_would_leave_old_versions(
        worklink: Invoke, cli_env: dict[str, str], s3_server: str) -> None:
    """The credentials may not list a file's versions (moto's name for AWS's
    s3:ListBucketVersions): each minute's purge would fail on every removed file."""
    emptied(s3_server, BUCKET, "Enabled")
    on_bucket(cli_env, s3_server, BUCKET, credentials_denied(s3_server, "s3:ListObjectVersions"))
    with permissions_checked(s3_server):
        result = worklink("worker", "--once")
    assert result.exit_code == 1
    assert "the worker did not start" in result.output
    assert "refused s3:ListBucketVersions" in result.output
    assert "expired launch values removed" not in result.output, "no job ran"


def test_the_worker_runs_once_its_storage_check_leaves_nothing_behind(
        worklink: Invoke, cli_env: dict[str, str], s3_server: str) -> None:
    emptied(s3_server, BUCKET, "Enabled")
    on_bucket(cli_env, s3_server, BUCKET)
    result = worklink("worker", "--once")
    assert result.exit_code == 0, result.output
    assert "expired launch values removed: 0" in result.output
    assert everything_in(s3_server, BUCKET) == []


@contextmanager
def _stopped_if_started(seconds: float = 60) -> Iterator[None]:
    """A worker that started (the check failing to stop it) is sent SIGTERM, as Docker stops
    it, after ``seconds``: it ends its consumer with exit code 0 instead of running forever."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
