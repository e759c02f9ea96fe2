"""Links and the reflection a student adds to their draft, checked before anything is written."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.tasks.sanitize import plain_text, sanitize
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import Artifact, Submission
from competencies.work.submissions import (
    WorkRefused,
    add_artifact,
    check_asked,
    check_editable,
    current_artifacts,
    retire,
    working_version,
)
from competencies.work.vocabulary import ArtifactKind

URL_MAX = 2000
LINK_TITLE_MAX = 300
REFLECTION_MAX = 20_000
"""Characters of sanitised HTML: a long essay fits, a pasted book does not."""


def check_link(url: str) -> str:
    """The link as it will be kept, or :class:`WorkRefused` saying what is wrong with it."""
    url = url.strip()
    if not url:
        raise WorkRefused(N_("Type or paste the link's address."), field="url")
    if len(url) > URL_MAX:
        raise WorkRefused(N_("That link is longer than %(max)d characters."), field="url",
                          max=URL_MAX)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise WorkRefused(N_("Only web links can be added: the address must start with "
                             "http:// or https://."), field="url")
    if not parts.hostname or any(c.isspace() for c in url):
        raise WorkRefused(N_("“%(url)s” is not a complete web address."), field="url", url=url[:200])
    return url


def add_link(session: Session, submission: Submission, url: str, title: str,
             now: dt.datetime) -> Artifact:
    checked = check_link(url)
    title = title.strip()
    if len(title) > LINK_TITLE_MAX:
        raise WorkRefused(N_("Keep the link's title under %(max)d characters."),
                          field="title", max=LINK_TITLE_MAX)
    return add_artifact(session, submission, AskedArtifact.LINKS,
                        {"url": checked, "title": title or None}, now)


def save_reflection(session: Session, submission: Submission, text: str,
                    now: dt.datetime) -> Artifact | None:
    """The draft's reflection becomes ``text`` (sanitised); one handed in before is kept.

    An empty reflection takes the draft's out. Returns the reflection now in the draft.
    """
    check_editable(session, submission)
    check_asked(session, submission, AskedArtifact.REFLECTION)
    body = sanitize(text).strip()
    if len(body) > REFLECTION_MAX:
        raise WorkRefused(N_("The reflection is too long: keep it under %(max)d characters."),
                          field="reflection", max=REFLECTION_MAX)
    version = working_version(session, submission, now)
    existing = current_artifacts(session, submission, ArtifactKind.REFLECTION)
    if len(existing) == 1 and existing[0].body_html == body:
        return existing[0]
    for old in existing:
        retire(session, old, version.number)
    session.flush()
    if not plain_text(body):
        submission.updated_at = now
        return None
    return add_artifact(session, submission, AskedArtifact.REFLECTION, {"body_html": body}, now)
