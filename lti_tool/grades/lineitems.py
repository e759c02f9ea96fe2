"""Which gradebook column (AGS line item) a placed task's scores go to; made once, never twice.

In order: the column already bound; the one deep linking created, named by the launch's AGS
``lineitem`` claim; one the LMS lists for the resource link; else Worklink creates it (label,
``scoreMaximum`` from the frozen rubric, a prefixed ``resourceId`` so it never clashes with
another tool's, a tag and the ``resourceLinkId``). The binding row is inserted before anything
is created: its unique key makes one worker the creator while the others wait.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competencies.messages import N_, Message
from lti_tool.grades.ags_client import AgsClient, HttpAnswer, PlatformAccount
from lti_tool.grades.answers import Answer, AnswerKind, classify_score_answer
from lti_tool.models import LineItemBinding, ResourceLink

CREATOR_PATIENCE = dt.timedelta(seconds=60)
TAG = "worklink"


@dataclasses.dataclass(frozen=True)
class Busy:
    """Another worker is finding or creating this column right now: try again in a moment."""


def resource_id(link: ResourceLink) -> str:
    return f"worklink-task-{link.task_id}" if link.task_id else f"worklink-link-{link.id}"


def line_item_url(session: Session, client: AgsClient, account: PlatformAccount,
                  link: ResourceLink, *, lineitems_url: str | None, label: str,
                  maximum: float | None, now: dt.datetime) -> str | Answer | Busy:
    """The line item URL, or why there is none (an :class:`Answer`), or :class:`Busy`."""
    # No transaction stays open across an HTTP call: on SQLite a stale read would stop this
    # session's next write, and on PostgreSQL it would hold a connection idle in transaction.
    binding = session.query(LineItemBinding).filter_by(resource_link_id=link.id).one_or_none()
    session.commit()
    if binding is not None and binding.url:
        return binding.url
    if binding is None:
        binding = LineItemBinding(resource_link_id=link.id, checked_at=now)
        session.add(binding)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return Busy()
    elif binding.checked_at > now - CREATOR_PATIENCE:
        return Busy()
    else:
        # Its creator died; take over, unless another worker just did.
        # Session.execute is typed to return a plain Result; an UPDATE gives a CursorResult.
        taken = cast(CursorResult[Any], session.execute(
            update(LineItemBinding).where(LineItemBinding.id == binding.id,
                                          LineItemBinding.checked_at == binding.checked_at)
            .values(checked_at=now)))
        session.commit()
        if taken.rowcount != 1:
            return Busy()
    found = _find_or_create(client, account, link, lineitems_url, label=label, maximum=maximum)
    if isinstance(found, Answer):
        # Let the next attempt start over.
        session.execute(delete(LineItemBinding).where(LineItemBinding.id == binding.id))
        session.commit()
        return found
    binding.url = found["id"]
    binding.label = found.get("label") if isinstance(found.get("label"), str) else None
    maximum_seen = found.get("scoreMaximum")
    binding.score_maximum = float(maximum_seen) if isinstance(maximum_seen, (int, float)) else None
    binding.created_by_worklink = bool(found.get("_created"))
    binding.checked_at = now
    session.commit()
    return binding.url


def _find_or_create(client: AgsClient, account: PlatformAccount, link: ResourceLink,
                    container: str | None, *, label: str,
                    maximum: float | None) -> dict[str, Any] | Answer:
    if link.lineitem_url:
        answer = client.get_lineitem(account, link.lineitem_url)
        item = answer.json() if answer.status == 200 else None
        if isinstance(item, dict):
            item.setdefault("id", link.lineitem_url)
            return item
        if answer.status != 404:
            return _problem(answer)
    if not container:
        return Answer(AnswerKind.CONFIGURATION, Message(N_(
            "The LMS gave Worklink no gradebook column for this task and no way to make one. "
            "Check that grade sync (Assignment and Grade Services) is on for Worklink, then open "
            "the task once from the LMS and choose Send again.")))
    answer = client.find_lineitems(account, container, link.resource_link_id)
    listed = answer.json() if answer.status == 200 else None
    if answer.status != 200 or not isinstance(listed, list):
        return _problem(answer)
    ours = resource_id(link)
    candidates = [i for i in listed if isinstance(i, dict) and isinstance(i.get("id"), str)
                  and i.get("resourceLinkId") in (None, link.resource_link_id)]
    candidates.sort(key=lambda i: i.get("resourceId") != ours)
    if candidates:
        return candidates[0]
    if maximum is None or maximum <= 0:
        return Answer(AnswerKind.CONFIGURATION, Message(N_(
            "This task's rubric has no maximum score, so Worklink cannot make a gradebook column "
            "for it. Give the rubric points, then choose Send again.")))
    answer = client.create_lineitem(account, container, {
        "label": label[:255] or "Worklink task", "scoreMaximum": maximum,
        "resourceId": ours, "tag": TAG, "resourceLinkId": link.resource_link_id,
    })
    created = answer.json() if answer.status in (200, 201) else None
    if not isinstance(created, dict) or not isinstance(created.get("id"), str):
        return _problem(answer)
    created["_created"] = True
    return created


def _problem(answer: HttpAnswer) -> Answer:
    if 200 <= answer.status < 300:
        # A 200 whose body is not the JSON AGS promises (a proxy's page, a cut answer).
        return Answer(AnswerKind.TRANSIENT, Message(N_(
            "The LMS answered with something that is not a gradebook column; Worklink will try "
            "again.")), answer.status, answer.body[:2000])
    found = classify_score_answer(answer.status, answer.body, resent=False,
                                  retry_after=answer.retry_after)
    return found
