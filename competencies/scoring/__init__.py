"""Rubric ratings by employers and teachers, moderation, and the final rubric score."""

from competencies.scoring.model import (
    CriterionRating,
    FinalCriterion,
    FinalScore,
    RubricRating,
    ScoringPolicy,
)

__all__ = ["CriterionRating", "FinalCriterion", "FinalScore", "RubricRating", "ScoringPolicy"]
