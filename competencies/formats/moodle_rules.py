"""Moodle competency rules as they travel in ``tool_lpimportcsv`` files, to and from our rule values.

In the file a rule is a class name, an integer outcome (``competency`` class constants) and a JSON
configuration whose competency ids are *exported ids*; in a package it is a plain dict that
:mod:`competencies.mastery.rules` can check.
"""

from __future__ import annotations

import json
from typing import Any

from competencies.mastery.rules import ChildPoints, PointsRule, RuleOutcome

RULE_ALL = "core_competency\\competency_rule_all"
RULE_POINTS = "core_competency\\competency_rule_points"


def read_rule(rule_type: str, outcome_text: str, config_text: str, exported: dict[str, str]) -> dict[str, Any]:
    """The rule as ``{"type", "outcome", ...}``; ValueError says what is wrong with it."""
    try:
        outcome = RuleOutcome.from_moodle(int(outcome_text or 0))
    except ValueError:
        raise ValueError(f"rule outcome {outcome_text!r} is not 0, 1, 2 or 3") from None
    kind = rule_type.rsplit("\\", 1)[-1]
    if kind == "competency_rule_all":
        return {"type": "all", "outcome": outcome.value}
    if kind != "competency_rule_points":
        raise ValueError(f"unknown rule type {rule_type!r}")
    try:
        config = json.loads(config_text)
        base = int(config["base"]["points"])
        children = [(str(entry["id"]), int(entry["points"]), bool(int(entry.get("required") or 0)))
                    for entry in config["competencies"]]
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"points rule configuration is not Moodle's JSON ({error})") from None
    unknown = [child for child, _, _ in children if child not in exported]
    if unknown:
        raise ValueError(f"points rule names exported ids not in the file: {unknown}")
    rule = PointsRule(outcome, base, tuple(ChildPoints(exported[c], p, r) for c, p, r in children))
    return {"type": "points", "outcome": outcome.value, "required_points": rule.required_points,
            "children": [{"competency": c.competency, "points": c.points, "required": c.required}
                         for c in rule.children]}


def write_rule(rule: dict[str, Any] | None, exported_ids: dict[str, str]) -> tuple[str, int, str]:
    """Rule type, outcome code and configuration cells; an item without a rule gets Moodle's ``0, null``."""
    if not rule:
        return "", 0, "null"
    outcome = RuleOutcome(rule["outcome"]).to_moodle()
    if rule["type"] == "all":
        return RULE_ALL, outcome, "null"
    config = {"base": {"points": rule["required_points"]},
              "competencies": [{"id": exported_ids[child["competency"]], "points": child["points"],
                                "required": int(child["required"])} for child in rule["children"]
                               if child["competency"] in exported_ids]}
    return RULE_POINTS, outcome, json.dumps(config, separators=(",", ":"))
