"""Expired launch state is purged by a periodic task of the job engine."""

from __future__ import annotations

import datetime as dt
import time

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lti_tool.jobs import jobs
from lti_tool.models import EphemeralValue


def test_the_purge_is_scheduled_every_minute(app: Flask) -> None:
    huey = jobs(app).huey
    for minute in (0, 17, 59):
        due = huey.read_periodic(dt.datetime(2026, 12, 6, 23, minute))
        assert sorted(task.name for task in due) == ["deliver_grades", "purge_expired",
                                                     "send_mail"]


def test_the_purge_removes_only_expired_values(app: Flask, db: Session) -> None:
    now = int(time.time())
    db.execute(insert(EphemeralValue), [
        {"key": "state:old", "value": b"{}", "expires_at": now - 60},
        {"key": "state:live", "value": b"{}", "expires_at": now + 540},
    ])
    db.commit()
    jobs(app).purge_expired()  # immediate mode runs it here, as the consumer would
    db.expire_all()
    assert "state:old" not in set(db.scalars(select(EphemeralValue.key)))
    assert "state:live" in set(db.scalars(select(EphemeralValue.key)))
