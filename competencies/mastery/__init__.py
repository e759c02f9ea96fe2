"""Mastery: from evidence with provenance to a value, a level and a proficient flag."""

from competencies.mastery.batch import compute_mastery
from competencies.mastery.calculation import (
    Calculation,
    CalculationMethod,
    MasteryResult,
    calculate,
    calculator,
    round_like_canvas,
)
from competencies.mastery.evidence import Evidence, RaterType
from competencies.mastery.rules import (
    AllChildrenRule,
    ChildPoints,
    PointsRule,
    RuleOutcome,
    RuleResult,
    evaluate_rule,
)
from competencies.mastery.scale import MasteryScale

__all__ = [
    "AllChildrenRule",
    "Calculation",
    "CalculationMethod",
    "ChildPoints",
    "Evidence",
    "MasteryResult",
    "MasteryScale",
    "PointsRule",
    "RaterType",
    "RuleOutcome",
    "RuleResult",
    "calculate",
    "calculator",
    "compute_mastery",
    "evaluate_rule",
    "round_like_canvas",
]
