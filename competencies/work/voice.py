"""Student voice: the experience survey at hand-in and the career pathway a student declares."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.work.model import CareerInterest, ExperienceSurvey, SubmissionVersion
from competencies.work.submissions import WorkRefused
from competencies.work.vocabulary import Recommendation

TEXT_MAX = 5000
PATHWAY_MAX = 200


@dataclasses.dataclass(frozen=True)
class SurveyAnswers:
    learned: str = ""
    would_change: str = ""
    recommend: str | None = None
    rating_experience: int | None = None
    rating_learning: int | None = None
    rating_support: int | None = None

    def check(self) -> None:
        """Every answer is optional; one given must make sense."""
        for text in (self.learned, self.would_change):
            if len(text) > TEXT_MAX:
                raise WorkRefused(N_("Keep each survey answer under %(max)d characters."),
                                  field="learned", max=TEXT_MAX)
        if self.recommend is not None and self.recommend not in Recommendation.__members__.values():
            raise WorkRefused(N_("Choose yes, maybe or no for recommending the placement."),
                              field="recommend")
        for rating in (self.rating_experience, self.rating_learning, self.rating_support):
            if rating is not None and not 1 <= rating <= 5:
                raise WorkRefused(N_("Ratings go from 1 to 5."), field="ratings")


def record_survey(session: Session, version: SubmissionVersion, answers: SurveyAnswers,
                  now: dt.datetime) -> ExperienceSurvey:
    answers.check()
    survey = ExperienceSurvey(version_id=version.id, learned=answers.learned.strip(),
                              would_change=answers.would_change.strip(),
                              recommend=answers.recommend,
                              rating_experience=answers.rating_experience,
                              rating_learning=answers.rating_learning,
                              rating_support=answers.rating_support, created_at=now)
    session.add(survey)
    return survey


def latest_survey(session: Session, submission_id: int) -> ExperienceSurvey | None:
    """The survey given with the submission's most recent hand-in, to prefill the next one."""
    return session.scalar(
        select(ExperienceSurvey).join(SubmissionVersion,
                                      ExperienceSurvey.version_id == SubmissionVersion.id)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(SubmissionVersion.number.desc()).limit(1))


def declare_pathway(session: Session, user_id: int, pathway: str, cluster: str | None,
                    now: dt.datetime) -> CareerInterest | None:
    """The student's career interest becomes ``pathway`` (blank: they no longer say)."""
    pathway = pathway.strip()
    if len(pathway) > PATHWAY_MAX or len(cluster or "") > PATHWAY_MAX:
        raise WorkRefused(N_("Keep the pathway under %(max)d characters."), field="pathway",
                          max=PATHWAY_MAX)
    interest = session.get(CareerInterest, user_id)
    if not pathway:
        if interest is not None:
            session.delete(interest)
        return None
    if interest is None:
        interest = CareerInterest(user_id=user_id, pathway=pathway)
        session.add(interest)
    interest.pathway = pathway
    interest.cluster = (cluster or "").strip() or None
    interest.updated_at = now
    return interest
