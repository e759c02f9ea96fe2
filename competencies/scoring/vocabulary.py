"""The words ratings are described in, as stored values."""

from __future__ import annotations

import enum


class RaterKind(enum.StrEnum):
    EMPLOYER = "employer"
    """A supervisor at a partner, through a signed link."""
    TEACHER = "teacher"


class RatingStatus(enum.StrEnum):
    DRAFT = "draft"
    """Being filled in; saved as the rater goes."""
    PENDING = "pending"
    """Submitted by the employer, waiting for the teacher's moderation."""
    RETURNED = "returned"
    """Sent back to the employer with a note; editable by them again."""
    ACCEPTED = "accepted"
    """Moderated (or accepted as it came): the final score was made from it."""
    SUPERSEDED = "superseded"
    """Replaced by a later rating (the teacher scored directly, or a new employer rating)."""

    @property
    def editable(self) -> bool:
        return self in (RatingStatus.DRAFT, RatingStatus.RETURNED)
