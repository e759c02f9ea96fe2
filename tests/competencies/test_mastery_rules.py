"""Moodle-style parent rules and the named rule outcomes."""

from __future__ import annotations

import pytest

from competencies.mastery import (
    AllChildrenRule,
    ChildPoints,
    PointsRule,
    RuleOutcome,
    evaluate_rule,
)


def test_all_children_rule_fires_only_when_every_child_is_proficient():
    rule = AllChildrenRule(RuleOutcome.RECOMMEND)
    assert evaluate_rule(rule, {"a": True, "b": True}).outcome is RuleOutcome.RECOMMEND
    result = evaluate_rule(rule, {"a": True, "b": False})
    assert not result.met and result.outcome is RuleOutcome.NONE and "1 of 2" in result.reason


def test_all_children_rule_on_a_leaf_is_an_error():
    with pytest.raises(ValueError, match="needs a parent with children"):
        evaluate_rule(AllChildrenRule(RuleOutcome.COMPLETE), {})


def points_rule() -> PointsRule:
    return PointsRule(RuleOutcome.COMPLETE, required_points=4, children=(
        ChildPoints("safety", 2, required=True), ChildPoints("tools", 2), ChildPoints("report", 1)))


def test_points_rule_counts_points_of_proficient_children():
    assert evaluate_rule(points_rule(), {"safety": True, "tools": True}).outcome is RuleOutcome.COMPLETE
    short = evaluate_rule(points_rule(), {"safety": True, "report": True})
    assert not short.met and short.reason == "3 of 4 points"


def test_points_rule_needs_its_required_children_whatever_the_points():
    result = evaluate_rule(points_rule(), {"safety": False, "tools": True, "report": True})
    assert not result.met and "safety" in result.reason


def test_a_points_rule_that_can_never_fire_is_refused():
    with pytest.raises(ValueError, match="at most 3 points"):
        PointsRule(RuleOutcome.EVIDENCE, 4, (ChildPoints("a", 1), ChildPoints("b", 2)))
    with pytest.raises(ValueError, match="at least 1 point"):
        PointsRule(RuleOutcome.EVIDENCE, 0, (ChildPoints("a", 1),))


def test_moodle_codes_differ_by_class_and_are_translated_only_at_the_border():
    """competency: COMPLETE=2, RECOMMEND=3; course_competency: RECOMMEND=2, COMPLETE=3."""
    assert RuleOutcome.from_moodle(2) is RuleOutcome.COMPLETE
    assert RuleOutcome.from_moodle(2, "course_competency") is RuleOutcome.RECOMMEND
    assert RuleOutcome.RECOMMEND.to_moodle() == 3
    assert RuleOutcome.COMPLETE.to_moodle("course_competency") == 3
    assert [RuleOutcome.from_moodle(RuleOutcome(o).to_moodle()) for o in RuleOutcome] == list(RuleOutcome)
    with pytest.raises(ValueError, match="rule outcome 7"):
        RuleOutcome.from_moodle(7)
