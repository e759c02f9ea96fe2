"""The words a submission and its artifacts are described in, as stored values."""

from __future__ import annotations

import enum

from competencies.messages import N_


class SubmissionState(enum.StrEnum):
    """Where the student's own work stands; what the page shows adds scoring (:class:`Status`)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    """The teacher sent the latest version back with a comment; the student revises it."""


class Status(enum.StrEnum):
    """A submission's status as people read it, derived from its state, scores and grade."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    AWAITING_EMPLOYER = "awaiting_employer"
    SCORED = "scored"
    GRADED = "graded"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NOT_STARTED: N_("Not started"),
    Status.DRAFT: N_("Draft"),
    Status.SUBMITTED: N_("Submitted"),
    Status.RETURNED: N_("Returned for revision"),
    Status.AWAITING_EMPLOYER: N_("Awaiting employer"),
    Status.SCORED: N_("Scored"),
    Status.GRADED: N_("Graded"),
}


class ArtifactKind(enum.StrEnum):
    """One thing handed in, answering a task's
    :class:`~competencies.tasks.vocabulary.AskedArtifact` (a ``file`` answers ``files``)."""

    FILE = "file"
    LINK = "link"
    REFLECTION = "reflection"
    HOURS = "hours"
    SIGN_OFF = "sign_off"
    """The supervisor's sign-off; the employer's page fills it, never the student."""


class HoursConfirmation(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"

    @property
    def label(self) -> str:
        return {"unconfirmed": N_("Not confirmed yet"), "confirmed": N_("Confirmed by supervisor"),
                "disputed": N_("Disputed by supervisor")}[self.value]


class Recommendation(enum.StrEnum):
    """Would the student recommend the placement to another student."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"

    @property
    def label(self) -> str:
        return {"yes": N_("Yes"), "maybe": N_("Maybe"), "no": N_("No")}[self.value]
