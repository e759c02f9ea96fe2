"""The mail job the worker runs: deliver what is due in the queue.

A plain function so that the job engine, once Worklink has one, calls it as it is; today
``worklink worker`` calls it on every pass.
"""

from __future__ import annotations

from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.employer import issuing
from lti_tool.mail import outbox
from lti_tool.mail.smtp import SmtpSettings


def send_due_mail(database: Database, config: Config) -> dict[str, int]:
    """One batch of due mail; nothing when no SMTP server is configured (mail stays queued)."""
    settings = SmtpSettings.from_config(config)
    if settings is None:
        return {}
    with database.session() as session:
        return outbox.deliver_due(session, settings, sender=config.mail_sender,
                                  link_url=issuing.url_maker(session, config))
