"""Moodle competency framework CSV (tool_lpimportcsv): read, report, write, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.formats import csv_canvas, csv_moodle
from competencies.mastery import RuleOutcome
from competencies.package import AssociationType
from tests.competencies.formats.format_checks import deviation_at, parents_by_code, same_items


@pytest.fixture
def package(fixture_path: Path):
    return csv_moodle.read(fixture_path / "moodle-framework.csv")


def test_framework_row_gives_framework_and_scale(package):
    assert package.framework.title == "Employability on placement"
    assert [(lv.label, lv.points, lv.proficient) for lv in package.scale] == [
        ("Not yet", 1, False), ("Developing", 2, False), ("Competent", 3, True), ("Exemplary", 4, True)]


def test_tree_follows_parent_id_numbers_and_taxonomy_names_the_levels(package):
    tree = parents_by_code(package)
    assert tree["APPLIED"] == ["ROOT"] and tree["APPLIED-READ"] == ["APPLIED"]
    types = {item.human_coding_scheme: item.item_type for item in package.items}
    assert types["APPLIED"] == "domain" and types["APPLIED-READ"] == "skill"


def test_rules_are_read_with_named_outcomes(package):
    by_code = {item.human_coding_scheme: item for item in package.items}
    assert by_code["APPLIED"].extra["rule"] == {"type": "all", "outcome": "recommend"}
    rule = by_code["EFFECTIVE"].extra["rule"]
    assert rule["outcome"] == RuleOutcome.COMPLETE and rule["required_points"] == 3
    team = by_code["EFFECTIVE-TEAM"].identifier
    assert rule["children"][0] == {"competency": team, "points": 2, "required": True}


def test_cross_references_become_one_related_link(package):
    related = [a for a in package.associations if a.association_type == AssociationType.IS_RELATED_TO]
    by_id = {item.identifier: item.human_coding_scheme for item in package.items}
    assert [(by_id[a.origin], by_id[a.destination]) for a in related] == [("APPLIED-READ", "EFFECTIVE-TEAM")]


def test_competency_scale_override_is_kept(package):
    customers = next(i for i in package.items if i.human_coding_scheme == "EFFECTIVE-CUST")
    assert customers.extra["scale"] == [["Poor", 1, False], ["Good", 2, True]]


@pytest.mark.parametrize(("where", "message"), [
    ("line 9, column 'parent id number'", "'MISSING' is not in the file"),
    ("line 10, column 'id number'", "empty id number"),
    ("line 11, column 'parent id number'", "'LOOP-A' is its own ancestor"),
    ("line 13, column 'rule type'", "at most 1 points"),
])
def test_each_bad_row_is_reported_by_line_and_column(package, where, message):
    assert deviation_at(package, where, message)


def test_cycles_are_broken_not_fatal(package):
    tree = parents_by_code(package)
    assert tree["LOOP-A"] == ["ROOT"] and tree["LOOP-B"] == ["LOOP-A"]
    assert not any(d.fatal for d in package.deviations)


def test_no_framework_row_is_fatal():
    package = csv_moodle.read(b'"Parent id number","Id number",Shortname,"Is framework"\n,A,a,\n')
    assert package.deviations[-1].fatal and "Is framework" in package.deviations[-1].message


def test_round_trip_keeps_items_parents_rules_and_scale(package):
    again = csv_moodle.read(csv_moodle.write(package))
    assert again.deviations == []
    same_items(package, again)
    assert [(lv.label, lv.proficient) for lv in again.scale] == [(lv.label, lv.proficient) for lv in package.scale]
    rules = lambda p: {i.human_coding_scheme: i.extra.get("rule") for i in p.items}
    assert rules(again) == rules(package)


def test_written_points_rule_names_exported_ids_and_moodle_outcome_code(package):
    written = csv_moodle.write(package).decode()
    assert '"{""base"":{""points"":3},""competencies"":[{""id"":' in written
    assert "core_competency\\competency_rule_points,2," in written  # COMPLETE is 2 on a competency


def test_written_header_is_moodles_and_framework_row_comes_first(package):
    lines = csv_moodle.write(package).decode().splitlines()
    assert lines[0].startswith('Parent ID number,ID number,Short name,Description,Description format')
    assert lines[0].endswith(",Is framework,Taxonomy,Worklink item type,Worklink education levels")
    assert lines[1].startswith(f",{package.framework.identifier},Employability on placement,")
    assert lines[1].endswith(',1,"domain,skill",,')  # one taxonomy term per level the tree has


def test_a_canvas_file_can_be_written_for_moodle(fixture_path):
    """One package, two LMSs: the Canvas tree goes to Moodle with the same parents."""
    canvas = csv_canvas.read(fixture_path / "canvas-outcomes.csv")
    moodle = csv_moodle.read(csv_moodle.write(canvas))
    assert parents_by_code(moodle, "abbreviated_statement")["SAFE.1"] == ["Safety"]
    # The Canvas outcomes do not share one rating scale, so Moodle gets its own default scale.
    assert [(lv.label, lv.proficient) for lv in moodle.scale] == [("Not yet competent", False), ("Competent", True)]
