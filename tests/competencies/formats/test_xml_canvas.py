"""Canvas learning_outcomes.xml: nested groups, outcomes with scoring, and bad nodes reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.formats import xml_canvas
from competencies.formats.csv_canvas import read as read_canvas_csv
from competencies.package import AssociationType
from tests.competencies.formats.format_checks import deviation_at, parents_by_code


@pytest.fixture
def package(fixture_path: Path):
    return xml_canvas.read(fixture_path / "learning_outcomes.xml")


def test_nested_groups_and_outcomes_form_the_tree(package):
    tree = parents_by_code(package, "abbreviated_statement")
    assert tree["Placement competencies"] == ["ROOT"]
    assert tree["Safety"] == ["Placement competencies"]
    assert tree["SAFE.1"] == ["Safety"]
    assert tree["COMM.1"] == ["Placement competencies"]  # its untitled group is skipped, it moves up
    assert tree["Loose outcome"] == ["ROOT"]


def test_outcome_scoring_is_kept(package):
    safe = next(i for i in package.items if i.abbreviated_statement == "SAFE.1")
    assert safe.full_statement == "<p>Follows the site safety briefing.</p>"
    assert safe.extra["calculation_method"] == "standard_decaying_average"
    assert safe.extra["calculation_int"] == 75 and safe.extra["mastery_points"] == 3
    assert safe.extra["ratings"] == [[4.0, "Exceeds"], [3.0, "Meets"], [0.0, "Does not meet"]]
    assert safe.extra["display_name"] == "Safety briefing"


def test_a_vendor_guid_names_an_item_only_within_its_framework(package, fixture_path: Path):
    """Canvas guids are unique in one account: the same guid in another framework is another."""
    csv_package = read_canvas_csv(fixture_path / "canvas-outcomes.csv")
    csv_ids = {i.extra["source_identifier"]: i.identifier for i in csv_package.items}
    safe = next(i for i in package.items if i.abbreviated_statement == "SAFE.1")
    assert safe.extra["source_identifier"] == "wbl-safe-1"
    assert safe.identifier != csv_ids["wbl-safe-1"]
    assert package.framework.identifier != csv_package.framework.identifier


@pytest.mark.parametrize(("where", "message"), [
    ("line 28, <learningOutcome> <calculation_method>", "between 1 and 10, got 12"),
    ("line 36, <learningOutcomeGroup>", "no title; not imported; its children move up"),
    ("line 44, <rating>", "points 'many' are not a number"),
    ("line 52, <learningOutcome>", "'i0a12' repeats"),
    ("line 55, <learningOutcome>", "no identifier attribute"),
])
def test_bad_nodes_are_reported_with_their_line(package, where, message):
    assert deviation_at(package, where, message)
    assert not any(d.fatal for d in package.deviations)


def test_identifiers_are_stable_across_reads(package, fixture_path: Path):
    again = xml_canvas.read(fixture_path / "learning_outcomes.xml")
    assert [i.identifier for i in again.items] == [i.identifier for i in package.items]
    assert again.framework.identifier == package.framework.identifier


def test_a_foreign_root_is_fatal_and_named():
    package = xml_canvas.read(b"<assessment/>")
    assert package.deviations[-1].fatal and "<assessment>" in package.deviations[-1].message


def test_an_rdf_document_is_handed_to_the_asn_reader(fixture_path: Path):
    package = xml_canvas.read((fixture_path / "asn-statements.rdf").read_bytes())
    assert package.source_format == "asn-rdf" and package.items


def test_all_links_are_child_links(package):
    assert {a.association_type for a in package.associations} == {AssociationType.IS_CHILD_OF.value}
