"""Queued employer-link mail is sent by a periodic task of the job engine, not by the page."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from competencies.audit import Actor
from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.employer import issuing
from lti_tool.jobs import jobs
from lti_tool.models import OutboundMail
from tests.competencies.partners.factories import school
from tests.lti_tool.mail.smtp_server import smtp_server


def test_the_mail_task_sends_what_the_page_queued(config: Config, connection: Connection,
                                                  db: Session) -> None:
    s = school(db)
    issuing.issue_link(db, config, s.place(db), Actor("teacher", "Lucia Rivera"))
    with smtp_server() as (inbox, port):
        mailing = dataclasses.replace(config, smtp_host="127.0.0.1", smtp_port=port,
                                      smtp_security="none")
        app = create_app(mailing, database=Database(mailing.database_url, bind=connection))
        assert inbox.messages == []  # issuing sent nothing inline
        jobs(app).send_mail()  # immediate mode runs it here, as the consumer would
    assert len(inbox.messages) == 1
    assert list(db.scalars(select(OutboundMail.status))) == ["sent"]
