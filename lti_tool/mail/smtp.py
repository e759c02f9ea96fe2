"""SMTP delivery with the standard library's ``smtplib``: STARTTLS, implicit TLS or plain.

A failure is told apart as temporary (the server or network said "try later": 4xx replies,
timeouts, refused connections) or permanent (5xx: a mailbox that does not exist, a refused
sender), so the queue retries only what can succeed later.
"""

from __future__ import annotations

import dataclasses
import smtplib
import ssl
from email.message import EmailMessage

from lti_tool.config import Config


@dataclasses.dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0
    tls_context: ssl.SSLContext | None = None
    """The certificates to trust; the system's by default (tests pass a loopback CA)."""

    @classmethod
    def from_config(cls, config: Config) -> SmtpSettings | None:
        if not config.smtp_host:
            return None
        return cls(config.smtp_host, config.smtp_port, config.smtp_security,
                   config.smtp_username, config.smtp_password)


class SendFailed(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server, or raise :class:`SendFailed` saying why."""
    context = settings.tls_context or ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(message)
            if refused:
                code, reason = next(iter(refused.values()))
                raise SendFailed(_reply(code, reason), permanent=code >= 500)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        raise SendFailed(_reply(code, reason), permanent=code >= 500) from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(_reply(exc.smtp_code, exc.smtp_error),
                         permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"The mail server could not be reached: {exc}", permanent=False) from None


def _reply(code: int, reason: bytes | str) -> str:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason
    return f"The mail server answered {code}: {text}"
