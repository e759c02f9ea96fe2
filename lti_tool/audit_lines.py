"""The audit log as people read it: each stored event told as a sentence in the page's language.

The stored rows stay as they were written (they are the record: an action name such as
``link.issued`` and a detail of levels, names and reasons). This module only presents them: who
did what, to whom, with the few details a coordinator needs in plain words, and nothing of
the storage (no keys, no booleans, no empty lists). An action this module does not know yet
still reads as one generic line, never an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import AuditEvent
from competencies.partners.links import EmployerLink
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.tasks.model import Task
from lti_tool.i18n import format_day, format_number, person_name
from lti_tool.models import User

_STORED_NOT_OBSERVED = "not observed"
"""How the scoring services store a criterion left unrated (English, in the record)."""

_TEACHER_REVOKED = "revoked by the teacher"
_REPLACED = "replaced by a new link"
"""The reasons :mod:`competencies.partners.links` stores for a revoked link."""

_AS_IT_CAME = "Accepted as it came"
"""The system actor's name when a task accepts employer ratings without moderation."""


@dataclasses.dataclass(frozen=True)
class PlacementName:
    """Which placement an event belongs to, in words: the student, the partner and the task."""

    placement_id: int
    student: str
    partner: str
    task: str


@dataclasses.dataclass(frozen=True)
class EventLine:
    """One event as a page shows it."""

    at: dt.datetime
    sentence: str
    details: list[str]
    address: str | None
    placement: PlacementName | None
    registration_id: int
    course_id: int | None


@dataclasses.dataclass(frozen=True)
class _Names:
    supervisors: Mapping[int, str]
    """A link's supervisor by link id."""
    placements: Mapping[int, PlacementName]


def event_lines(session: Session, events: Iterable[AuditEvent]) -> list[EventLine]:
    """The events, newest first as given, each as a sentence with its details."""
    events = list(events)
    names = _names(session, events)
    return [_line(event, names) for event in events]


def _names(session: Session, events: list[AuditEvent]) -> _Names:
    link_ids = {int(e.detail["link_id"]) for e in events
                if isinstance((e.detail or {}).get("link_id"), int)}
    supervisors = {link_id: name for link_id, name in session.execute(
        select(EmployerLink.id, Supervisor.name).join(
            Supervisor, Supervisor.id == EmployerLink.supervisor_id)
        .where(EmployerLink.id.in_(link_ids)))} if link_ids else {}
    placement_ids = {e.placement_id for e in events if e.placement_id is not None}
    placements = {
        pid: PlacementName(pid, person_name(student), partner, task)
        for pid, student, partner, task in session.execute(
            select(Placement.id, User, Partner.name, Task.title)
            .join(User, User.id == Placement.student_id)
            .join(Partner, Partner.id == Placement.partner_id)
            .join(Task, Task.id == Placement.task_id)
            .where(Placement.id.in_(placement_ids)))
    } if placement_ids else {}
    return _Names(supervisors, placements)


def _actor(event: AuditEvent) -> str:
    """The person who acted, with their part in a placement: “Ana Reyes (teacher)”."""
    kinds = {"teacher": gettext("teacher"), "employer": gettext("employer"),
             "operator": gettext("operator")}
    if event.actor_kind == "system":
        return "Worklink"
    kind = kinds.get(event.actor_kind)
    if kind is None:
        return event.actor_name
    return str(gettext("%(name)s (%(kind)s)", name=event.actor_name, kind=kind))


def _line(event: AuditEvent, names: _Names) -> EventLine:
    detail: dict[str, Any] = dict(event.detail or {})
    describe = _DESCRIBERS.get(event.action)
    if describe is None:
        sentence = gettext("%(actor)s changed an employer link or rating (“%(action)s”).",
                           actor=_actor(event), action=event.action)
        details: list[str] = []
    else:
        sentence, details = describe(event, detail, names)
    return EventLine(event.at, sentence, details, event.address,
                     names.placements.get(event.placement_id)
                     if event.placement_id is not None else None,
                     event.registration_id, event.course_id)


Described = tuple[str, list[str]]


def _link_issued(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    supervisor = _supervisor(detail, names)
    details = []
    expires = _stored_moment(detail.get("expires"))
    if expires is not None:
        from lti_tool.course_time import when

        details.append(gettext("It works until %(when)s.", when=when(expires)))
    if detail.get("bound_to_email") is True:
        details.append(gettext("The supervisor confirms their email address before the page "
                               "opens."))
    if supervisor:
        return gettext("%(actor)s issued a rating link to %(supervisor)s",
                       actor=_actor(event), supervisor=supervisor), details
    return gettext("%(actor)s issued a rating link", actor=_actor(event)), details


def _link_opened(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    after = {"used": gettext("The rating had already been submitted: the page showed it "
                             "read-only."),
             "expired": gettext("The link had expired: the page did not open."),
             "revoked": gettext("The link had been revoked: the page did not open.")}
    found = after.get(str(detail.get("state")))
    return gettext("The link was opened"), [found] if found else []


def _link_used(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    return gettext("The supervisor submitted the rating through the link"), []


def _link_revoked(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    reason = str(detail.get("reason") or "")
    if reason == _REPLACED:
        return gettext("The link stopped working: a new link replaced it"), []
    if reason == _TEACHER_REVOKED or not reason:
        if event.actor_kind == "teacher":
            return gettext("The teacher revoked the link"), [
                gettext("Revoked by %(name)s.", name=event.actor_name)]
        return gettext("%(actor)s revoked the link", actor=_actor(event)), []
    return gettext("%(actor)s revoked the link", actor=_actor(event)), [
        gettext("Reason: %(reason)s", reason=reason)]


def _rating_saved(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    return (gettext("%(actor)s saved a draft of the rating", actor=_actor(event)),
            _levels(detail.get("levels")))


def _rating_submitted(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    signature = str(detail.get("signature") or "").strip()
    return (gettext("%(actor)s submitted the rating", actor=_actor(event)),
            [gettext("Signed “%(signature)s”.", signature=signature)] if signature else [])


def _rating_accepted(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    details = []
    if event.actor_kind == "system" and event.actor_name == _AS_IT_CAME:
        sentence = gettext("The employer's rating counted as it came: the task accepts "
                           "employer ratings without moderation")
    else:
        sentence = gettext("%(actor)s accepted the employer's rating", actor=_actor(event))
    adjusted = detail.get("adjusted")
    if isinstance(adjusted, Mapping):
        for criterion, change in adjusted.items():
            if not isinstance(change, Mapping):
                continue
            text = gettext("%(criterion)s: changed from %(before)s to %(after)s.",
                           criterion=criterion, before=_level(change.get("from")),
                           after=_level(change.get("to")))
            reason = str(change.get("reason") or "").strip()
            details.append(f"{text} {gettext('Reason: %(reason)s', reason=reason)}"
                           if reason else text)
    score = _score(detail.get("score"), "final")
    return sentence, details + ([score] if score else [])


def _rating_returned(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    note = str(detail.get("note") or "").strip()
    return (gettext("%(actor)s sent the rating back to the supervisor", actor=_actor(event)),
            [gettext("Note to the supervisor: %(note)s", note=note)] if note else [])


def _scored_by_teacher(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    score = _score(detail.get("score"), "final")
    return (gettext("%(actor)s rated the rubric", actor=_actor(event)),
            _levels(detail.get("levels")) + ([score] if score else []))


def _rating_superseded(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    was = {"pending": gettext("The rating was waiting for moderation."),
           "draft": gettext("The rating was a draft the supervisor had not submitted; it is "
                            "kept as they left it."),
           "returned": gettext("The rating had been sent back to the supervisor; it is kept as "
                               "they left it.")}.get(str(detail.get("was")))
    supervisor = str(detail.get("supervisor") or "").strip()
    sentence = (gettext("%(actor)s decided the final score in place of %(supervisor)s's rating",
                        actor=_actor(event), supervisor=supervisor) if supervisor
                else gettext("%(actor)s decided the final score in place of the employer's "
                             "rating", actor=_actor(event)))
    return sentence, [was] if was else []


def _score_replaced(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    score = _score(detail.get("was"), "earlier")
    return (gettext("A new decision replaced the final score"),
            ([score] if score else []) + _levels(detail.get("levels")))


def _hours(event: AuditEvent, detail: dict[str, Any], names: _Names) -> Described:
    hours = detail.get("hours")
    day = _stored_day(detail.get("work_date"))
    # gettext's plural rules take whole numbers: 1 is singular, anything else (0, 2,5) plural.
    amount = (ngettext("%(hours)s hour", "%(hours)s hours", 1 if hours == 1 else 2,
                       hours=format_number(hours))
              if isinstance(hours, int | float) else "")
    confirmed = event.action == "hours.confirmed"
    if amount and day:
        sentence = (gettext("%(actor)s confirmed %(hours)s worked on %(day)s",
                            actor=_actor(event), hours=amount, day=day) if confirmed
                    else gettext("%(actor)s disputed %(hours)s worked on %(day)s",
                                 actor=_actor(event), hours=amount, day=day))
    else:
        sentence = (gettext("%(actor)s confirmed logged hours", actor=_actor(event)) if confirmed
                    else gettext("%(actor)s disputed logged hours", actor=_actor(event)))
    return sentence, []


_DESCRIBERS: dict[str, Callable[[AuditEvent, dict[str, Any], _Names], Described]] = {
    "link.issued": _link_issued, "link.opened": _link_opened, "link.used": _link_used,
    "link.revoked": _link_revoked, "rating.saved": _rating_saved,
    "rating.submitted": _rating_submitted, "rating.accepted": _rating_accepted,
    "rating.returned": _rating_returned, "rating.scored_by_teacher": _scored_by_teacher,
    "rating.superseded": _rating_superseded,
    "score.replaced": _score_replaced, "hours.confirmed": _hours, "hours.disputed": _hours,
}


def _supervisor(detail: Mapping[str, Any], names: _Names) -> str:
    link_id = detail.get("link_id")
    if isinstance(link_id, int) and link_id in names.supervisors:
        return names.supervisors[link_id]
    return str(detail.get("supervisor") or "")


def _level(stored: Any) -> str:
    if stored is None or stored == _STORED_NOT_OBSERVED:
        return str(gettext("not observed"))
    return str(stored)


def _levels(stored: Any) -> list[str]:
    """“Communication: Proficient.” for each criterion a rating names."""
    if not isinstance(stored, Mapping):
        return []
    return [gettext("%(criterion)s: %(level)s.", criterion=criterion, level=_level(level))
            for criterion, level in stored.items()]


def _score(stored: Any, which: str) -> str:
    """A stored “12 / 15” in the page's numbers, or "" when it is not one."""
    try:
        given, maximum = (float(part) for part in str(stored).split("/"))
    except ValueError:
        return ""
    words = {"given": format_number(given), "maximum": format_number(maximum)}
    if which == "earlier":
        return str(gettext("The earlier final score was %(given)s / %(maximum)s.", **words))
    return str(gettext("Final score %(given)s / %(maximum)s", **words))


def _stored_moment(stored: Any) -> dt.datetime | None:
    """The UTC moment the links module writes as “2026-12-10 17:00 UTC”."""
    try:
        return dt.datetime.strptime(str(stored), "%Y-%m-%d %H:%M UTC").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _stored_day(stored: Any) -> str:
    try:
        return format_day(dt.date.fromisoformat(str(stored)))
    except ValueError:
        return ""
