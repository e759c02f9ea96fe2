"""Domain tables (frameworks, items, associations, scales, rubrics, evidence)."""

from competencies.models.association import Association
from competencies.models.evidence import Evidence, RaterType
from competencies.models.framework import Framework
from competencies.models.item import Item
from competencies.models.rubric import Rubric, RubricCriterion, RubricLevel, criterion_item
from competencies.models.scale import MasteryScale, ScaleLevel

__all__ = [
    "Association", "Evidence", "Framework", "Item", "MasteryScale", "RaterType", "Rubric",
    "RubricCriterion", "RubricLevel", "ScaleLevel", "criterion_item",
]
