"""What the employer's page shows: the student, the task, their work, the rubric and the rating."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import ClassVar

from sqlalchemy.orm import Session

from competencies.partners.links import EmployerLink, LinkState
from competencies.partners.model import Placement
from competencies.scoring import ratings
from competencies.scoring.finals import Work, final_for
from competencies.scoring.model import RubricRating, ScoringPolicy
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind, RatingStatus
from competencies.tasks import versions
from competencies.tasks.model import TaskVersion
from competencies.tasks.rubric import Criterion, Rubric
from competencies.work.for_supervisor import SupervisorView, view_for
from lti_tool.course_time import zone_of
from lti_tool.models import User

NOT_OBSERVED = "__not_observed__"


@dataclasses.dataclass(frozen=True)
class RatingFields:
    """The rubric as a supervisor rates it, drawn by ``employer/_rating.html`` on the employer's
    page and on the teacher's preview of it (disabled there, nothing chosen)."""

    rubric: Rubric
    policy: ScoringPolicy
    chosen: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Criterion → level label or :data:`NOT_OBSERVED`, as saved."""
    comments: Mapping[str, str] = dataclasses.field(default_factory=dict)
    overall_comment: str = ""
    disabled: bool = False
    not_observed: ClassVar[str] = NOT_OBSERVED

    def lowest(self, criterion: Criterion) -> str:
        """The level a comment is required for, as the comment's label names it."""
        return " / ".join(ratings.lowest_levels(criterion))


class Outcome(enum.StrEnum):
    """What became of the supervisor's rating, as the top of their page says it."""

    RATING = "rating"
    """Theirs to fill in: nothing to say yet."""
    RETURNED = "returned"
    """The teacher sent it back with a note; theirs to change and submit again."""
    PENDING = "pending"
    """Submitted; the teacher has not decided yet."""
    ACCEPTED = "accepted"
    """Submitted and accepted (by the teacher, or as it came where the task says so)."""
    DECIDED = "decided"
    """Submitted, then the teacher decided the final score in its place: they scored the rubric
    themselves (the rating was waiting, or had been accepted), or accepted another rating."""
    NOT_NEEDED = "not_needed"
    """The teacher decided the final score after this link was sent, before a rating came
    through it (the supervisor's was a draft, sent back to them, or not begun): nothing more
    is asked of them, and what they had saved is kept as they left it."""
    CLOSED = "closed"
    """The link was used and no rating submitted through it is found: nothing more can be
    done here."""


@dataclasses.dataclass(frozen=True)
class EmployerPage:
    link: EmployerLink
    student: str
    task_title: str
    partner: str
    version: TaskVersion
    rubric: Rubric
    rating: RubricRating
    policy: ScoringPolicy
    chosen: Mapping[str, str]
    """Criterion → level label or :data:`NOT_OBSERVED`, as saved."""
    comments: Mapping[str, str]
    read_only: bool
    work: SupervisorView
    """The student's handed-in work and hours log, found through the link's placement."""
    submitted_on: dt.date | None
    """The day the rating was submitted, in the course's time zone."""
    accepted_on: dt.date | None
    """The day the final score was made from this rating, in the course's time zone; ``None``
    while it is not, or no longer, what the final score comes from."""
    no_longer_asked: bool
    """The teacher decided the work's final score since this link was sent, and no rating came
    through it: the page takes nothing more (:attr:`Outcome.NOT_NEEDED`)."""
    overall_comment: str = ""
    signature: str = ""

    @property
    def outcome(self) -> Outcome:
        status = RatingStatus(self.rating.status)
        if self.no_longer_asked:
            return Outcome.NOT_NEEDED
        if not self.read_only:
            return Outcome.RETURNED if status is RatingStatus.RETURNED else Outcome.RATING
        if self.submitted_on is None:
            return Outcome.CLOSED
        if status is RatingStatus.ACCEPTED and self.accepted_on is not None:
            return Outcome.ACCEPTED
        if status is RatingStatus.PENDING:
            return Outcome.PENDING
        return Outcome.DECIDED  # superseded, or accepted and replaced since

    @property
    def fields(self) -> RatingFields:
        return RatingFields(self.rubric, self.policy, self.chosen, self.comments,
                            self.overall_comment, disabled=self.read_only)

    def as_sent(self, form: Mapping[str, str]) -> EmployerPage:
        """The page with the rating form holding what was sent, not what is saved: a refused
        rating comes back with every level chosen and everything typed."""
        names = [criterion.name for criterion in self.rubric.criteria]
        return dataclasses.replace(
            self, chosen={name: form[f"level:{name}"] for name in names
                          if form.get(f"level:{name}")},
            comments={name: form.get(f"comment:{name}", "") for name in names},
            overall_comment=form.get("overall", ""), signature=form.get("signature", ""))


def load(session: Session, link: EmployerLink, state: LinkState) -> EmployerPage:
    placement = link.placement
    version = session.get(TaskVersion, link.task_version_id)
    assert version is not None  # the link's foreign key
    rubric = versions.rubric_of(version)
    assert rubric is not None  # a link is issued only for a task with a rubric
    rating = ratings.open_rating(session, placement, version, kind=RaterKind.EMPLOYER,
                                 name=link.supervisor.name, supervisor_id=link.supervisor_id)
    no_longer_asked = (state is LinkState.USABLE
                       and ratings.decided_since(session, placement, link.issued_at) is not None)
    if rating.id is None and (state is LinkState.USED or no_longer_asked):
        # Superseded when the teacher scored the rubric in its place: submitted through this
        # link, or still theirs (a draft, or sent back to them). The supervisor still reads
        # their own rating as they left it, never the teacher's, and a blank form is never
        # offered in its place.
        rating = ratings.last_rating(session, placement, supervisor_id=link.supervisor_id,
                                     submitted=state is LinkState.USED) or rating
    zone = zone_of(session, link.course_id)
    student = session.get(User, placement.student_id)
    rows = {c.criterion: c for c in rating.criteria}
    return EmployerPage(
        link=link, student=student.display_name if student else "",
        task_title=str(version.snapshot.get("title", "")), partner=placement.partner.name,
        version=version, rubric=rubric, rating=rating,
        policy=ratings.policy_for(session, placement.task_id),
        chosen={name: (row.level if row.level is not None else NOT_OBSERVED)
                for name, row in rows.items() if row.level is not None or row.not_observed},
        comments={name: row.comment for name, row in rows.items()},
        read_only=(state is LinkState.USED or no_longer_asked
                   or not RatingStatus(rating.status).editable),
        work=view_for(session, placement),
        submitted_on=(rating.submitted_at.astimezone(zone).date()
                      if rating.submitted_at is not None else None),
        accepted_on=_accepted_at(session, placement, rating, zone),
        no_longer_asked=no_longer_asked,
        overall_comment=rating.overall_comment or "", signature=rating.signature or "")


def _accepted_at(session: Session, placement: Placement, rating: RubricRating,
                 zone: dt.tzinfo) -> dt.date | None:
    """When the work's final score was made from ``rating``: the day only, never the score."""
    if rating.status != RatingStatus.ACCEPTED.value:
        return None
    final = final_for(session, Work.of_placement(session, placement))
    if final is None or final.source_rating_id != rating.id:
        return None  # replaced since by a decision of the teacher's
    return final.decided_at.astimezone(zone).date()


def choices_from_form(form: Mapping[str, str]) -> dict[str, Choice]:
    """``level:<criterion>`` and ``comment:<criterion>`` fields as choices; a criterion named
    in the form but not in the rubric is kept, so the domain refuses it by name."""
    found: dict[str, Choice] = {}
    for key, value in form.items():
        if key.startswith("level:") and value:
            name = key.removeprefix("level:")
            level = None if value == NOT_OBSERVED else value
            found[name] = Choice(level, form.get(f"comment:{name}", ""))
    return found
