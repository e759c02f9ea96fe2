"""Queued mail (employer links) goes to the SMTP server (a periodic task, every minute).

The mail queue is a table (lti_tool/mail/outbox.py): the page that issues a link writes a row
and returns; this task sends what is due, retries what a busy or absent server could not take,
and records what a server refused, for the teacher to see.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, crontab

from lti_tool.jobs.context import JobContext
from lti_tool.mail.jobs import send_due_mail

log = logging.getLogger(__name__)


def register(huey: Huey, context: JobContext) -> Any:
    @huey.periodic_task(crontab(minute="*"), name="send_mail")
    def send_mail_task() -> dict[str, int]:
        counts = send_due_mail(context.database, context.config)
        for outcome, count in counts.items():
            log.info("mail %s: %d", outcome, count)
        return counts

    return send_mail_task
