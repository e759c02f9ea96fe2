"""``worklink worker --once`` removes launch values past their expiry and sends queued mail."""

from __future__ import annotations

import time

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
from tests.lti_tool.mail.smtp_server import smtp_server


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
