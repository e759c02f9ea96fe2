"""What a teacher fills in for a task, checked before anything is written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from competencies.messages import N_, Message, Refused
from competencies.tasks.vocabulary import (
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)
from competencies.work.file_policy import DEFAULT, FileGroup

TITLE_MAX = 300
HOURS_MAX = 2000.0
"""A year of full-time work; more is a typing slip."""

MEGABYTE = 1024 * 1024

E = TypeVar("E", ContinuumStage, ExperienceType, AskedArtifact, LibraryScope, FileGroup)


class TaskError(Refused):
    """A task request refused, with a message fit to show the teacher; nothing was changed."""


class InvalidTask(TaskError):
    def __init__(self, problems: Sequence[Message]) -> None:
        super().__init__(problems)
        self.problems = list(problems)


@dataclasses.dataclass(frozen=True)
class TaskDraft:
    title: str
    stage: ContinuumStage
    experience_type: ExperienceType
    description: str = ""
    """Rich text as typed; sanitised when saved."""
    experience_other: str | None = None
    career_cluster: str | None = None
    pathway: str | None = None
    expected_hours: float | None = None
    asked_artifacts: tuple[AskedArtifact, ...] = ()
    opens_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    employer_scored: bool = False
    scope: LibraryScope = LibraryScope.COURSE
    file_groups: frozenset[FileGroup] | None = None
    """The kinds of file the task accepts; ``None`` when the form did not offer the choice, so
    a task keeps what it had (a new one accepts every kind)."""
    file_max_bytes: int | None = None
    """The task's own limit per file (with ``file_groups``); ``None`` for the instance's."""
    file_limit: int = DEFAULT.max_bytes
    """The most a task may allow per file: the instance's limit, which the shell knows."""

    def problems(self) -> list[Message]:
        found: list[Message] = []
        if not self.title.strip():
            found.append(Message(N_("Give the task a title.")))
        elif len(self.title.strip()) > TITLE_MAX:
            found.append(Message(N_("Keep the title under %(max)d characters."), max=TITLE_MAX))
        unnamed = not (self.experience_other or "").strip()
        if self.experience_type is ExperienceType.OTHER and unnamed:
            found.append(Message(N_("Name the experience when its type is “Other”.")))
        if self.expected_hours is not None and not (
                math.isfinite(self.expected_hours) and 0 <= self.expected_hours <= HOURS_MAX):
            found.append(Message(N_("Expected hours must be between 0 and %(max)s."),
                                 max=f"{HOURS_MAX:g}"))
        for moment in (self.opens_at, self.due_at):
            if moment is not None and moment.tzinfo is None:
                found.append(Message(N_("Dates need a time zone.")))
                break
        else:
            if self.opens_at and self.due_at and self.due_at < self.opens_at:
                found.append(Message(N_("The due date is before the task opens.")))
        if self.file_groups is not None and not self.file_groups \
                and AskedArtifact.FILES in self.asked_artifacts:
            found.append(Message(N_("Choose at least one kind of file the task accepts, or do "
                                    "not ask for files and photos.")))
        if self.file_max_bytes is not None and not 0 < self.file_max_bytes <= self.file_limit:
            found.append(Message(N_("The size limit per file must be above 0 and at most "
                                    "%(max)s MB."), max=f"{self.file_limit / MEGABYTE:g}"))
        return found

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidTask(problems)


def parse_draft(form: Mapping[str, str], asked_artifacts: Sequence[str], *,
                tz: dt.tzinfo = dt.UTC, file_groups: Sequence[str] = (),
                file_limit: int = DEFAULT.max_bytes) -> TaskDraft:
    """A draft from form fields (strings), every problem reported at once.

    ``opens_at`` and ``due_at`` are ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` in ``tz``. The kinds
    of file come as ``file_groups`` (the ticked boxes) when the form carries ``files_offered``:
    a box left unticked sends nothing, so only that field tells "none" from "not asked".
    ``max_file_mb`` is the task's own limit per file in megabytes, blank for ``file_limit``.
    """
    problems: list[Message] = []
    if not form.get("title", "").strip():
        problems.append(Message(N_("Give the task a title.")))
    stage = _choice(form.get("stage", ""), ContinuumStage, problems,
                    N_("Choose a continuum stage."), N_("“%(value)s” is not a continuum stage."))
    experience = _choice(form.get("experience_type", ""), ExperienceType, problems,
                         N_("Choose an experience type."),
                         N_("“%(value)s” is not an experience type."))
    scope = _choice(form.get("scope", "course") or "course", LibraryScope, problems,
                    N_("Choose a library scope."), N_("“%(value)s” is not a library scope."))
    kinds = tuple(k for k in (_choice(e, AskedArtifact, problems, N_("Choose a kind of artifact."),
                                      N_("“%(value)s” is not a kind of artifact."))
                              for e in dict.fromkeys(asked_artifacts)) if k is not None)
    hours: float | None = None
    if (raw := form.get("expected_hours", "").strip()):
        try:
            hours = float(raw)
        except ValueError:
            problems.append(Message(N_("Expected hours “%(value)s” is not a number."), value=raw))
    opens_at = _moment(form.get("opens_at", ""), tz, problems, end_of_day=False,
                       wrong=N_("The opening date “%(value)s” is not a date (use YYYY-MM-DD)."))
    due_at = _moment(form.get("due_at", ""), tz, problems, end_of_day=True,
                     wrong=N_("The due date “%(value)s” is not a date (use YYYY-MM-DD)."))
    groups: frozenset[FileGroup] | None = None
    max_bytes: int | None = None
    if form.get("files_offered"):
        groups = frozenset(g for g in (_choice(v, FileGroup, problems, N_("Choose a kind of file."),
                                               N_("“%(value)s” is not a kind of file."))
                                       for v in file_groups) if g is not None)
        if (raw := form.get("max_file_mb", "").strip()):
            try:
                megabytes = float(raw)
            except ValueError:
                problems.append(Message(N_("The size limit per file “%(value)s” is not a "
                                           "number."), value=raw))
            else:
                max_bytes = round(megabytes * MEGABYTE) if math.isfinite(megabytes) else -1
    if problems or stage is None or experience is None or scope is None:
        raise InvalidTask(problems)
    draft = TaskDraft(
        title=form.get("title", "").strip(), stage=stage, experience_type=experience,
        description=form.get("description", ""),
        experience_other=form.get("experience_other", "").strip() or None,
        career_cluster=form.get("career_cluster", "").strip() or None,
        pathway=form.get("pathway", "").strip() or None,
        expected_hours=hours, asked_artifacts=kinds, opens_at=opens_at, due_at=due_at,
        employer_scored=form.get("employer_scored", "") in ("on", "true", "1", "yes"),
        scope=scope, file_groups=groups, file_max_bytes=max_bytes, file_limit=file_limit,
    )
    draft.check()
    return draft


def _choice(value: str, make: Callable[[str], E], problems: list[Message], missing: str,
            wrong: str) -> E | None:
    """The vocabulary value, or a problem: ``missing`` when none was chosen, else ``wrong``."""
    try:
        return make(value)
    except ValueError:
        problems.append(Message(wrong, value=value) if value else Message(missing))
        return None


def _moment(value: str, tz: dt.tzinfo, problems: list[Message], *, end_of_day: bool,
            wrong: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        problems.append(Message(wrong, value=value))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if end_of_day and len(value) == 10:  # a due date alone means the end of that day
        moment = moment.replace(hour=23, minute=59)
    return moment
