"""The teacher's moderation: accept an employer's rating, adjust it criterion by criterion with
a reason, send it back with a note, or score the rubric directly.

Whatever the path, the result is the work's one :class:`FinalScore` (one per student and
placed task: :mod:`competencies.scoring.finals`), each criterion saying who rated it, when and on
which artifacts; an adjusted criterion keeps the employer's level beside the teacher's, with the
reason. A later decision replaces the final score in place and the audit log keeps what it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from competencies.audit import Actor, record
from competencies.messages import N_, Message, quoted
from competencies.orm import utcnow
from competencies.partners.model import Placement
from competencies.scoring.finals import Work, final_for, new_final, placement_ids
from competencies.scoring.model import FinalCriterion, FinalScore, RubricRating
from competencies.scoring.publishing import ScorePublisher
from competencies.scoring.ratings import (
    Choice,
    ScoringError,
    check_choices,
    check_comment,
    score_of,
)
from competencies.scoring.vocabulary import RaterKind, RatingStatus
from competencies.tasks import versions
from competencies.tasks.model import TaskVersion
from competencies.tasks.rubric import Rubric
from competencies.work.model import Submission
from competencies.work.submissions import artifacts_in
from competencies.work.vocabulary import SubmissionState


@dataclasses.dataclass(frozen=True)
class Adjustment:
    level: str | None
    """The teacher's level; ``None`` for "not observed"."""
    reason: str


def pending(session: Session, course_id: int) -> list[RubricRating]:
    """Employer ratings of the course waiting for the teacher, oldest first."""
    return list(session.scalars(
        select(RubricRating).join(Placement, Placement.id == RubricRating.placement_id)
        .where(Placement.course_id == course_id,
               RubricRating.status == RatingStatus.PENDING.value)
        .order_by(RubricRating.submitted_at, RubricRating.id)))


def waiting(session: Session, work: Work) -> list[RubricRating]:
    """Employer ratings of the work waiting for the teacher, from any of the student's
    placements it belongs to (:func:`~competencies.scoring.finals.placements_of`), oldest
    first."""
    return list(session.scalars(_ratings_of(work, (RatingStatus.PENDING,))
                                .order_by(RubricRating.submitted_at, RubricRating.id)))


def _ratings_of(work: Work, statuses: Sequence[RatingStatus]) -> Select[RubricRating]:
    return select(RubricRating).where(
        RubricRating.placement_id.in_(placement_ids(placement=work.placement,
                                                    submission=work.submission)),
        RubricRating.status.in_([status.value for status in statuses]))


_STILL_OPEN = (RatingStatus.PENDING, RatingStatus.DRAFT, RatingStatus.RETURNED)
"""An employer rating not decided yet: waiting for the teacher, or still the employer's."""


def final_score(session: Session, placement: Placement) -> FinalScore | None:
    """The placement's student's final score on its task, however it was decided."""
    return final_for(session, Work.of_placement(session, placement))


def accept(session: Session, rating: RubricRating, rubric: Rubric, teacher: Actor,
           adjustments: Mapping[str, Adjustment] | None = None,
           artifact_ids: Sequence[str] = (), *, commit: bool = True,
           publisher: ScorePublisher | None = None) -> FinalScore:
    """The employer's rating, with the teacher's adjustments, becomes the final score."""
    adjustments = adjustments or {}
    if rating.status != RatingStatus.PENDING.value:
        raise ScoringError(N_("Only a submitted rating waiting for moderation can be accepted."))
    check_choices(rubric, {name: Choice(a.level) for name, a in adjustments.items()})
    for name, asked in adjustments.items():
        if not asked.reason.strip():
            raise ScoringError(N_("Give a reason for changing “%(name)s”; nothing was saved."),
                               name=name)
        check_comment(asked.reason, where=Message(N_("The reason for “%(name)s”"), name=name))
    rows = {c.criterion: c for c in rating.criteria}
    now = utcnow()
    finals: list[FinalCriterion] = []
    levels: dict[str, str | None] = {}
    for criterion in rubric.criteria:
        row = rows[criterion.name]
        employer_level = row.level
        adjustment: Adjustment | None = adjustments.get(criterion.name)
        if adjustment is not None and adjustment.level == employer_level:
            adjustment = None  # "changed" to what it was: nothing to record
        level = adjustment.level if adjustment is not None else employer_level
        levels[criterion.name] = level
        finals.append(FinalCriterion(
            criterion=criterion.name, level=level, not_observed=level is None,
            points=_points(rubric, criterion.name, level),
            rater_kind=RaterKind.TEACHER.value if adjustment else rating.rater_kind,
            rater_name=teacher.name if adjustment else rating.rater_name,
            rated_at=now if adjustment else row.rated_at,
            artifact_ids=[str(a) for a in artifact_ids],
            employer_level=employer_level if adjustment else None,
            reason=adjustment.reason.strip() if adjustment else "", comment=row.comment))
    placement = session.get(Placement, rating.placement_id)
    assert placement is not None
    work = Work.of_placement(session, placement)
    final = _replace_final(session, work, rating.task_version_id, rubric, levels, finals,
                           teacher, source=rating)
    rating.status = RatingStatus.ACCEPTED.value
    record(session, teacher, "rating.accepted", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, rating_id=rating.id,
           adjusted={name: {"from": rows[name].level or "not observed",
                            "to": a.level or "not observed", "reason": a.reason.strip()}
                     for name, a in adjustments.items()
                     if a.level != rows[name].level},
           score=f"{final.given:g} / {final.maximum:g}")
    if publisher is not None:
        publisher.final(session, work, final)
    if commit:
        session.commit()
    return final


def send_back(session: Session, rating: RubricRating, teacher: Actor, note: str) -> RubricRating:
    """Back to the employer, editable again, with the teacher's note; commits."""
    if rating.status != RatingStatus.PENDING.value:
        raise ScoringError(N_("Only a submitted rating waiting for moderation can be sent "
                              "back."))
    if not note.strip():
        raise ScoringError(N_("Write a note saying what the employer should look at again."))
    check_comment(note, where=Message(N_("The note")))
    rating.status = RatingStatus.RETURNED.value
    rating.return_note = note.strip()
    placement = session.get(Placement, rating.placement_id)
    assert placement is not None
    record(session, teacher, "rating.returned", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, rating_id=rating.id,
           note=rating.return_note)
    session.commit()
    return rating


def score_directly(session: Session, work: Work, version: TaskVersion, rubric: Rubric,
                   teacher: Actor, choices: Mapping[str, Choice],
                   artifact_ids: Sequence[str] = (), *,
                   publisher: ScorePublisher | None = None) -> FinalScore:
    """The teacher rates the rubric: every criterion, or "not observed"; final at once. Every
    employer rating of the work still open or waiting for moderation, on any of the student's
    placements it belongs to, is superseded by it: kept as it was, for the record, each
    placement's history saying so."""
    check_choices(rubric, choices)
    missing = [c.name for c in rubric.criteria if c.name not in choices]
    if missing:
        raise ScoringError(N_("Rate every criterion first; not yet rated: %(names)s."),
                           names=quoted(missing))
    now = utcnow()
    levels = {name: choice.level for name, choice in choices.items()}
    finals = [FinalCriterion(criterion=c.name, level=levels[c.name],
                             not_observed=levels[c.name] is None,
                             points=_points(rubric, c.name, levels[c.name]),
                             rater_kind=RaterKind.TEACHER.value, rater_name=teacher.name,
                             rated_at=now, artifact_ids=[str(a) for a in artifact_ids],
                             comment=choices[c.name].comment.strip())
              for c in rubric.criteria]
    for other, placement in session.execute(
            _ratings_of(work, _STILL_OPEN).add_columns(Placement)
            .join(Placement, Placement.id == RubricRating.placement_id)
            .order_by(RubricRating.id)):
        record(session, teacher, "rating.superseded", registration_id=placement.registration_id,
               course_id=placement.course_id, placement_id=placement.id, rating_id=other.id,
               supervisor=other.rater_name, was=other.status)
        other.status = RatingStatus.SUPERSEDED.value
    final = _replace_final(session, work, version.id, rubric, levels, finals, teacher,
                           source=None)
    record(session, teacher, "rating.scored_by_teacher", **_where(work),
           levels={k: v or "not observed" for k, v in levels.items()},
           score=f"{final.given:g} / {final.maximum:g}")
    if publisher is not None:
        publisher.final(session, work, final)
    session.commit()
    return final


def score_submission(session: Session, submission: Submission, registration_id: int,
                     teacher: Actor, choices: Mapping[str, Choice], *,
                     publisher: ScorePublisher | None = None) -> FinalScore:
    """The teacher scores what the student handed in, from the submission: against the task
    version the work answers, on the artifacts of the version handed in. No placement is
    needed; where there is one, this is the same decision as scoring it from the placement."""
    handed_in = submission.versions[-1] if submission.versions else None
    if (submission.state != SubmissionState.SUBMITTED.value or handed_in is None
            or handed_in.submitted_at is None):
        raise ScoringError(N_("Only work that was handed in can be scored; this is with the "
                              "student."))
    version = session.get(TaskVersion, submission.task_version_id)
    rubric = versions.rubric_of(version) if version is not None else None
    if version is None or rubric is None:
        raise ScoringError(N_("“%(task)s” has no rubric to score."),
                           task=str(version.snapshot.get("title", "")) if version else "")
    artifacts = artifacts_in(session, submission.id, handed_in.number)
    return score_directly(session, Work.of_submission(session, submission, registration_id),
                          version, rubric, teacher, choices, [str(a.id) for a in artifacts],
                          publisher=publisher)


def _where(work: Work) -> dict[str, Any]:
    """What an audit event of this work is filed under: the course, the placement if any, and
    the student and submission, so an event of a score with no placement still names both."""
    return {"registration_id": work.registration_id, "course_id": work.course_id,
            "placement_id": work.placement.id if work.placement is not None else None,
            "student_id": work.student_id,
            "submission_id": work.submission.id if work.submission is not None else None}


def _replace_final(session: Session, work: Work, version_id: int, rubric: Rubric,
                   levels: Mapping[str, str | None], finals: list[FinalCriterion],
                   teacher: Actor, *, source: RubricRating | None) -> FinalScore:
    given, maximum = score_of(levels, rubric)
    final = final_for(session, work)
    if final is None:
        final = new_final(work)
        session.add(final)
    else:
        record(session, teacher, "score.replaced", **_where(work),
               was=f"{final.given:g} / {final.maximum:g}",
               levels={c.criterion: c.level or "not observed" for c in final.criteria})
        final.criteria.clear()
        session.flush()
    final.task_version_id = version_id
    final.given, final.maximum = given, maximum
    final.source_rating_id = source.id if source is not None else None
    final.decided_by = teacher.name[:300]
    final.decided_at = utcnow()
    final.criteria.extend(finals)
    session.flush()
    return final


def _points(rubric: Rubric, criterion: str, level: str | None) -> float | None:
    if level is None:
        return None
    found = next(c for c in rubric.criteria if c.name == criterion)
    return next(lv.points for lv in found.levels if lv.label == level)
