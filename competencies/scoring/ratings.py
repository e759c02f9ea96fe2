"""A rater's rubric rating: choices saved as they go, then submitted with a typed signature.

Every choice is checked against the frozen rubric the placement is scored on: a criterion the
rubric does not have, a level the criterion does not have, or a comment with markup in it is
refused with a precise message, and nothing of that save is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor, record
from competencies.messages import N_, Message, Refused
from competencies.orm import utcnow
from competencies.partners.model import Placement
from competencies.scoring.finals import Work, final_for
from competencies.scoring.model import (
    CriterionRating,
    FinalScore,
    RubricRating,
    ScoringPolicy,
)
from competencies.scoring.publishing import ScorePublisher
from competencies.scoring.vocabulary import RaterKind, RatingStatus
from competencies.tasks import library, versions
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task, TaskVersion
from competencies.tasks.rubric import Criterion, Rubric, RubricError

MAX_COMMENT = 4000
_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
AS_IT_CAME = Actor("system", "Accepted as it came")
"""Who "decides" a rating the task accepts as it comes: nobody moderated it."""


class ScoringError(Refused):
    """A rating that cannot be saved, submitted or moderated, with a message to act on."""


@dataclasses.dataclass(frozen=True)
class Choice:
    level: str | None
    """The level's label; ``None`` for "not observed"."""
    comment: str = ""


def rubric_for(session: Session, placement: Placement) -> tuple[TaskVersion, Rubric]:
    """The frozen task version the placement is scored on, and its rubric."""
    task = session.get(Task, placement.task_id)
    if task is None:  # pragma: no cover - the foreign key cascades
        raise ScoringError(N_("The placement's task no longer exists."))
    version = versions.freeze(session, task)
    rubric = versions.rubric_of(version)
    if rubric is None:
        raise ScoringError(N_("“%(task)s” has no rubric to score."), task=task.title)
    return version, rubric


def rubric_of_rating(session: Session, rating: RubricRating) -> tuple[TaskVersion, Rubric]:
    """The frozen task version and rubric a rating was made against."""
    version = session.get(TaskVersion, rating.task_version_id)
    rubric = versions.rubric_of(version) if version is not None else None
    if version is None or rubric is None:  # pragma: no cover - the foreign key restricts
        raise ScoringError(N_("The rubric this rating was made against no longer exists."))
    return version, rubric


def policy_for(session: Session, task_id: int) -> ScoringPolicy:
    return session.get(ScoringPolicy, task_id) or ScoringPolicy(
        task_id=task_id, accept_employer_ratings=False, comment_required_for_lowest=False)


def set_policy(session: Session, context: CourseContext, task_id: int, *,
               accept_employer_ratings: bool, comment_required_for_lowest: bool) -> ScoringPolicy:
    """How a task's employer ratings are handled, decided by the course that owns the task: a
    shared template's policy holds for every course placing it, so no one course changes it."""
    task = library.get_visible(session, context, task_id)
    if not library.can_edit(context, task):
        raise ScoringError(N_(
            "This task is shared with other courses, so how its employer ratings are handled "
            "is not decided here. Make this course's own copy of the task to decide it."))
    policy = session.get(ScoringPolicy, task_id)
    if policy is None:
        policy = ScoringPolicy(task_id=task_id)
        session.add(policy)
    policy.accept_employer_ratings = accept_employer_ratings
    policy.comment_required_for_lowest = comment_required_for_lowest
    session.commit()
    return policy


def open_rating(session: Session, placement: Placement, version: TaskVersion, *,
                kind: RaterKind, name: str, supervisor_id: int | None = None,
                user_id: int | None = None) -> RubricRating:
    """The rater's current rating of this placement: the one in progress or last submitted,
    else a new draft (flushed, not committed: opening a page stores nothing)."""
    query = select(RubricRating).where(
        RubricRating.placement_id == placement.id, RubricRating.rater_kind == kind.value,
        RubricRating.status != RatingStatus.SUPERSEDED.value)
    if supervisor_id is not None:
        query = query.where(RubricRating.supervisor_id == supervisor_id)
    current = session.scalar(query.order_by(RubricRating.id.desc()).limit(1))
    if current is not None:
        return current
    # Column defaults apply only at INSERT: until then the new draft's text would be None,
    # which a page prints as "None" (and a form then sends back as the comment).
    return RubricRating(placement_id=placement.id, task_version_id=version.id,
                        rater_kind=kind.value, rater_name=name, supervisor_id=supervisor_id,
                        rater_user_id=user_id, status=RatingStatus.DRAFT.value,
                        overall_comment="", signature="", return_note="")


def last_rating(session: Session, placement: Placement, *, supervisor_id: int,
                submitted: bool) -> RubricRating | None:
    """The supervisor's latest rating of the placement, whatever became of it (superseded too,
    when the teacher scored the rubric in its place); only one they submitted if
    ``submitted``."""
    query = select(RubricRating).where(
        RubricRating.placement_id == placement.id,
        RubricRating.rater_kind == RaterKind.EMPLOYER.value,
        RubricRating.supervisor_id == supervisor_id)
    if submitted:
        query = query.where(RubricRating.submitted_at.is_not(None))
    return session.scalar(query.order_by(RubricRating.id.desc()).limit(1))


def decided_by_teacher(final: FinalScore | None) -> bool:
    """A teacher decided the final score: not an employer rating the task accepted as it came."""
    return final is not None and final.decided_by != AS_IT_CAME.name


def decided_since(session: Session, placement: Placement,
                  asked_at: dt.datetime) -> FinalScore | None:
    """The final score of the placement's work, if the teacher decided it at or after
    ``asked_at`` (when its supervisor was asked to rate, by a link sent then): a rating from
    them is no longer wanted for the work. One decided before they were asked is not: the
    teacher asked for their rating knowing the score, and it waits for the teacher."""
    final = final_for(session, Work.of_placement(session, placement))
    if final is None or not decided_by_teacher(final) or final.decided_at < asked_at:
        return None
    return final


def check_choices(rubric: Rubric, choices: Mapping[str, Choice]) -> None:
    """Refuse a criterion not in the rubric, a level not in its criterion, a comment with markup."""
    by_name = {c.name: c for c in rubric.criteria}
    for name, choice in choices.items():
        criterion = by_name.get(name)
        if criterion is None:
            raise ScoringError(N_("This rubric has no criterion “%(name)s”; nothing was saved."),
                               name=name)
        if choice.level is not None and choice.level not in {lv.label for lv in criterion.levels}:
            raise ScoringError(N_("“%(name)s” has no level “%(level)s”; nothing was saved."),
                               name=name, level=choice.level)
        check_comment(choice.comment, where=Message(N_("The comment on “%(name)s”"), name=name))


def check_comment(text: str, *, where: Message) -> None:
    """Refuse a comment too long or with markup; ``where`` names it, as a sentence starts."""
    if len(text) > MAX_COMMENT:
        raise ScoringError(N_("%(where)s is longer than %(max)d characters; nothing was saved."),
                           where=where, max=MAX_COMMENT)
    found = _MARKUP.search(text)
    if found:
        raise ScoringError(N_("%(where)s must be plain text: remove “%(markup)s…” (no HTML "
                              "tags); nothing was saved."),
                           where=where, markup=text[found.start():found.start() + 12].strip())


def save(session: Session, rating: RubricRating, rubric: Rubric, choices: Mapping[str, Choice],
         actor: Actor, *, overall_comment: str | None = None) -> RubricRating:
    """Store these choices in the rating (a draft saved as the rater goes); commits."""
    if not RatingStatus(rating.status).editable:
        raise ScoringError(N_("This rating was submitted and can no longer be changed."))
    check_choices(rubric, choices)
    if overall_comment is not None:
        check_comment(overall_comment, where=Message(N_("The overall comment")))
    session.add(rating)
    existing = {c.criterion: c for c in rating.criteria}
    now = utcnow()
    changed: dict[str, str] = {}
    for name, choice in choices.items():
        row = existing.get(name)
        if row is None:
            row = CriterionRating(criterion=name)
            rating.criteria.append(row)
        label = choice.level if choice.level is not None else "not observed"
        before = None if row.id is None else (row.level or ("not observed" if row.not_observed
                                                            else None))
        if before != label or row.comment != choice.comment.strip():
            changed[name] = label
        row.level = choice.level
        row.not_observed = choice.level is None
        row.comment = choice.comment.strip()
        row.rated_at = now
    if overall_comment is not None:
        rating.overall_comment = overall_comment.strip()
    rating.updated_at = now
    session.flush()
    if changed:
        placement = _placement(session, rating)
        record(session, actor, "rating.saved", registration_id=placement.registration_id,
               course_id=placement.course_id, placement_id=placement.id, rating_id=rating.id,
               levels=changed)
    session.commit()
    return rating


def lowest_levels(criterion: Criterion) -> tuple[str, ...]:
    """The labels a rater must explain when the task requires a comment for the lowest level:
    every level at the criterion's fewest points (two levels may tie), in the rubric's order."""
    return tuple(lv.label for lv in criterion.levels if lv.points == criterion.worst)


def missing_for_submit(rating: RubricRating, rubric: Rubric,
                       policy: ScoringPolicy) -> list[Message]:
    """What must still be done before the rating can be submitted, in words."""
    found: list[Message] = []
    rows = {c.criterion: c for c in rating.criteria}
    for criterion in rubric.criteria:
        row = rows.get(criterion.name)
        if row is None or (row.level is None and not row.not_observed):
            found.append(Message(N_("Choose a level for “%(name)s”, or “not observed”."),
                                 name=criterion.name))
        elif (policy.comment_required_for_lowest and row.level is not None
              and row.level in lowest_levels(criterion) and not row.comment.strip()):
            found.append(Message(N_("“%(name)s”: say why you chose the lowest level."),
                                 name=criterion.name))
    if rows and all(r.not_observed for r in rows.values()) and len(rows) == len(rubric.criteria):
        found.append(Message(N_("Rate at least one criterion; every one is marked “not "
                                "observed”.")))
    return found


def score_of(rating_rows: Mapping[str, str | None], rubric: Rubric) -> tuple[float, float]:
    """(given, maximum) for chosen levels, "not observed" (``None``) left out of both."""
    try:
        score = rubric.score({k: v for k, v in rating_rows.items() if v is not None},
                             not_observed={k for k, v in rating_rows.items() if v is None})
    except RubricError as exc:
        raise ScoringError(exc.messages) from None
    return score.given, score.maximum


def submit(session: Session, rating: RubricRating, rubric: Rubric, policy: ScoringPolicy,
           signature: str, actor: Actor, *,
           publisher: ScorePublisher | None = None) -> RubricRating:
    """The rater signs by typing their name; pending moderation unless the task accepts
    employer ratings as they come. Commits."""
    if not RatingStatus(rating.status).editable:
        raise ScoringError(N_("This rating was already submitted."))
    if not signature.strip():
        raise ScoringError(N_("Type your name to sign the rating."))
    check_comment(signature, where=Message(N_("The signature")))
    missing = missing_for_submit(rating, rubric, policy)
    if missing:
        raise ScoringError(missing)
    rating.signature = signature.strip()[:300]
    rating.status = RatingStatus.PENDING.value
    rating.submitted_at = utcnow()
    placement = _placement(session, rating)
    record(session, actor, "rating.submitted", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, rating_id=rating.id,
           signature=rating.signature)
    # One final score per student and placed task (competencies.scoring.finals): a rating
    # arriving once a teacher has decided one waits for the teacher, whatever the policy, and
    # the gradebook keeps the final grade meanwhile instead of a "waiting" one.
    final = final_for(session, Work.of_placement(session, placement))
    if (policy.accept_employer_ratings and rating.rater_kind == RaterKind.EMPLOYER.value
            and not decided_by_teacher(final)):
        from competencies.scoring import moderation

        moderation.accept(session, rating, rubric, AS_IT_CAME,
                          commit=False, publisher=publisher)
    elif publisher is not None and final is None:
        publisher.pending(session, placement, rating)
    session.commit()
    return rating


def _placement(session: Session, rating: RubricRating) -> Placement:
    placement = session.get(Placement, rating.placement_id)
    assert placement is not None
    return placement
