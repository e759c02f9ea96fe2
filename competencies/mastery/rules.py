"""Moodle-style rules on a parent competency: what happens when its children are proficient.

Moodle stores the rule outcome as an integer whose meaning depends on the class (``competency``:
COMPLETE=2, RECOMMEND=3; ``course_competency``: RECOMMEND=2, COMPLETE=3), so we keep a named enum
and translate only at the CSV border.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Hashable, Mapping
from typing import Literal

MoodleRuleContext = Literal["competency", "course_competency"]

_MOODLE_CODES: dict[MoodleRuleContext, dict[int, str]] = {
    "competency": {0: "none", 1: "evidence", 2: "complete", 3: "recommend"},
    "course_competency": {0: "none", 1: "evidence", 2: "recommend", 3: "complete"},
}


class RuleOutcome(enum.StrEnum):
    NONE = "none"
    EVIDENCE = "evidence"
    """Attach a piece of evidence to the parent, nothing more."""
    RECOMMEND = "recommend"
    """Send the parent to a teacher for review."""
    COMPLETE = "complete"
    """Mark the parent proficient."""

    @classmethod
    def from_moodle(cls, code: int, context: MoodleRuleContext = "competency") -> RuleOutcome:
        try:
            return cls(_MOODLE_CODES[context][code])
        except KeyError:
            raise ValueError(f"Moodle {context} rule outcome {code!r} is not one of 0, 1, 2, 3") from None

    def to_moodle(self, context: MoodleRuleContext = "competency") -> int:
        codes = {name: code for code, name in _MOODLE_CODES[context].items()}
        return codes[self.value]


@dataclasses.dataclass(frozen=True)
class AllChildrenRule:
    """Moodle's ``competency_rule_all``: the parent's rule fires when every child is proficient."""

    outcome: RuleOutcome


@dataclasses.dataclass(frozen=True)
class ChildPoints:
    competency: Hashable
    points: int
    required: bool = False


@dataclasses.dataclass(frozen=True)
class PointsRule:
    """Moodle's ``competency_rule_points``: proficient children give points; some children are required."""

    outcome: RuleOutcome
    required_points: int
    children: tuple[ChildPoints, ...]

    def __post_init__(self) -> None:
        if self.required_points < 1:
            raise ValueError(f"a points rule needs at least 1 point to fire, got {self.required_points}")
        if any(child.points < 0 for child in self.children):
            raise ValueError("a child cannot give negative points")
        total = sum(child.points for child in self.children)
        # Moodle refuses the same configuration: a rule that can never fire.
        if total < self.required_points:
            raise ValueError(
                f"the children give at most {total} points, fewer than the {self.required_points} required"
            )


Rule = AllChildrenRule | PointsRule


@dataclasses.dataclass(frozen=True)
class RuleResult:
    met: bool
    outcome: RuleOutcome
    """What to do now: the rule's outcome when met, ``NONE`` otherwise."""
    reason: str


def evaluate_rule(rule: Rule, children_proficient: Mapping[Hashable, bool]) -> RuleResult:
    """Decide whether the parent's rule fires, given whether each of its children is proficient."""
    if isinstance(rule, AllChildrenRule):
        if not children_proficient:
            raise ValueError("an all-children rule needs a parent with children")
        missing = [child for child, proficient in children_proficient.items() if not proficient]
        if missing:
            return RuleResult(False, RuleOutcome.NONE, f"{len(missing)} of {len(children_proficient)} "
                              "children not yet proficient")
        return RuleResult(True, rule.outcome, f"all {len(children_proficient)} children proficient")
    earned = sum(child.points for child in rule.children if children_proficient.get(child.competency, False))
    unmet = [child.competency for child in rule.children
             if child.required and not children_proficient.get(child.competency, False)]
    if unmet:
        return RuleResult(False, RuleOutcome.NONE, f"required children not proficient: {unmet}")
    if earned < rule.required_points:
        return RuleResult(False, RuleOutcome.NONE, f"{earned} of {rule.required_points} points")
    return RuleResult(True, rule.outcome, f"{earned} of {rule.required_points} points")
