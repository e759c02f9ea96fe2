"""The hours log: entries a student adds, their running total, and the supervisor's review.

An entry gives either a start and an end time (the hours follow) or the hours alone. Once the
supervisor confirms an entry the student can no longer change or remove it; a disputed entry
the student may correct (remove it and log it again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from sqlalchemy.orm import Session

from competencies.messages import N_, NP_, Message
from competencies.tasks.vocabulary import AskedArtifact, ContinuumStage
from competencies.work.model import Artifact, Submission
from competencies.work.submissions import (
    WorkRefused,
    add_artifact,
    current_artifacts,
    task_version,
)
from competencies.work.vocabulary import ArtifactKind, HoursConfirmation

DAY_HOURS = 24.0
ACTIVITY_MAX = 2000
SITE_MAX = 300


@dataclasses.dataclass(frozen=True)
class HoursEntry:
    """What the student typed, parsed by the shell into values (``None`` when left blank)."""

    work_date: dt.date | None
    activity: str
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    hours: float | None = None
    stage: str | None = None
    site: str = ""


@dataclasses.dataclass(frozen=True)
class HoursTotal:
    logged: float
    confirmed: float
    expected: float | None
    """The placement's expected hours, else the task's; ``None`` when neither says."""

    @property
    def remaining(self) -> float | None:
        return None if self.expected is None else max(self.expected - self.logged, 0.0)


def check_entry(entry: HoursEntry, today: dt.date) -> dict[str, object]:
    """The entry's stored values, or :class:`WorkRefused` naming the first problem."""
    if entry.work_date is None:
        raise WorkRefused(N_("Give the date you worked."), field="work_date")
    if entry.work_date > today:
        raise WorkRefused(N_("The date %(date)s is in the future: log hours once you have "
                             "worked them."), field="work_date", date=entry.work_date)
    hours = _hours(entry)
    activity = entry.activity.strip()
    if not activity:
        raise WorkRefused(N_("Say what you did during these hours."), field="activity")
    if len(activity) > ACTIVITY_MAX:
        raise WorkRefused(N_("Keep the activity under %(max)d characters."), field="activity",
                          max=ACTIVITY_MAX)
    if entry.stage and entry.stage not in ContinuumStage.__members__.values():
        raise WorkRefused(N_("Choose a stage from the list."), field="stage")
    site = entry.site.strip()
    if len(site) > SITE_MAX:
        raise WorkRefused(N_("Keep the site's name under %(max)d characters."), field="site",
                          max=SITE_MAX)
    return {"work_date": entry.work_date, "starts_at": entry.starts_at, "ends_at": entry.ends_at,
            "hours": hours, "activity": activity, "stage": entry.stage or None,
            "site": site or None, "confirmation": HoursConfirmation.UNCONFIRMED.value}


def _hours(entry: HoursEntry) -> float:
    if (entry.starts_at is None) != (entry.ends_at is None):
        raise WorkRefused(N_("Give both the start and the end time, or only the number of "
                             "hours."), field="ends_at")
    if entry.starts_at is not None and entry.ends_at is not None:
        if entry.ends_at <= entry.starts_at:
            raise WorkRefused(N_("The end time (%(end)s) is not after the start time "
                                 "(%(start)s)."), field="ends_at", end=entry.ends_at.strftime("%H:%M"),
                              start=entry.starts_at.strftime("%H:%M"))
        minutes = ((entry.ends_at.hour * 60 + entry.ends_at.minute)
                   - (entry.starts_at.hour * 60 + entry.starts_at.minute))
        spanned = round(minutes / 60, 2)
        if entry.hours is not None and abs(entry.hours - spanned) > 0.01:
            raise WorkRefused(Message.counted(NP_(
                "%(hours)s hour does not match %(start)s to %(end)s; give the times or the "
                "hours.",
                "%(hours)s hours do not match %(start)s to %(end)s; give the times or the "
                "hours."), entry.hours, hours=float(entry.hours),
                start=entry.starts_at.strftime("%H:%M"), end=entry.ends_at.strftime("%H:%M")),
                field="hours")
        return spanned
    if entry.hours is None:
        raise WorkRefused(N_("Give the hours you worked, or the start and end time."),
                          field="hours")
    if not math.isfinite(entry.hours) or entry.hours <= 0:
        raise WorkRefused(N_("Hours must be more than 0."), field="hours")
    if entry.hours > DAY_HOURS:
        raise WorkRefused(N_("One entry can hold at most 24 hours; log each day apart."),
                          field="hours")
    return round(entry.hours, 2)


def log_hours(session: Session, submission: Submission, entry: HoursEntry,
              today: dt.date, now: dt.datetime) -> Artifact:
    """Add an hours entry to the draft; ``today`` is the date where the course is."""
    values = check_entry(entry, today)
    return add_artifact(session, submission, AskedArtifact.HOURS_LOG, values, now)


def total(session: Session, submission: Submission,
          placement_expected: float | None = None) -> HoursTotal:
    entries = current_artifacts(session, submission, ArtifactKind.HOURS)
    return totals_of(entries, placement_expected if placement_expected is not None
                     else task_version(session, submission).snapshot.get("expected_hours"))


def totals_of(entries: list[Artifact], expected: float | None) -> HoursTotal:
    logged = sum(e.hours or 0.0 for e in entries)
    confirmed = sum(e.hours or 0.0 for e in entries
                    if e.confirmation == HoursConfirmation.CONFIRMED.value)
    return HoursTotal(round(logged, 2), round(confirmed, 2), expected)


def confirm_hours(session: Session, entry_id: int, supervisor_name: str,
                  now: dt.datetime) -> Artifact:
    """The supervisor confirms an entry: from now on the student cannot change it."""
    entry = _entry(session, entry_id)
    _review(entry, HoursConfirmation.CONFIRMED, supervisor_name, "", now)
    session.flush()
    return entry


def dispute_hours(session: Session, entry_id: int, supervisor_name: str, note: str,
                  now: dt.datetime) -> Artifact:
    """The supervisor disputes an entry, saying why; the student may correct it."""
    if not note.strip():
        raise WorkRefused(N_("Say what is wrong with these hours, so the student can correct "
                             "them."))
    entry = _entry(session, entry_id)
    _review(entry, HoursConfirmation.DISPUTED, supervisor_name, note.strip(), now)
    session.flush()
    return entry


def _entry(session: Session, entry_id: int) -> Artifact:
    entry = session.get(Artifact, entry_id)
    if entry is None or entry.kind != ArtifactKind.HOURS.value:
        raise WorkRefused(N_("There is no such hours entry."))
    if entry.replaced_in is not None:
        raise WorkRefused(N_("The student has since removed or corrected this entry."))
    return entry


def _review(entry: Artifact, outcome: HoursConfirmation, name: str, note: str,
            now: dt.datetime) -> None:
    if entry.confirmation == HoursConfirmation.CONFIRMED.value:
        raise WorkRefused(N_("These hours are already confirmed."))
    if not name.strip():
        raise WorkRefused(N_("A review needs the supervisor's name."))
    entry.confirmation = outcome.value
    entry.reviewed_by = name.strip()
    entry.reviewed_at = now
    entry.review_note = note
