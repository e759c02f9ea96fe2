"""Domain tables (frameworks, items, associations, scales, rubrics, evidence)."""

from competencies.models.association import Association
from competencies.models.evidence import Evidence, RaterType
from competencies.models.framework import Framework
from competencies.models.item import Item
from competencies.models.rubric import Rubric, RubricCriterion, RubricLevel, criterion_item
from competencies.models.scale import MasteryScale, ScaleLevel
from competencies.models.standing import CourseMasteryPolicy, MasteryStanding

__all__ = [
    "Association", "CourseMasteryPolicy", "Evidence", "Framework", "Item", "MasteryScale",
    "MasteryStanding", "RaterType", "Rubric", "RubricCriterion", "RubricLevel", "ScaleLevel",
    "criterion_item",
]
