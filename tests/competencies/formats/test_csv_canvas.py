"""Canvas outcomes CSV: read with a report of every bad row, write, and read back the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.formats import csv_canvas
from competencies.formats.spreadsheet import SOURCE_IDENTIFIER
from tests.competencies.formats.format_checks import deviation_at, parents_by_code, same_items


@pytest.fixture
def package(fixture_path: Path):
    return csv_canvas.read(fixture_path / "canvas-outcomes.csv")


def _by_code(package, code):
    return next(i for i in package.items if i.human_coding_scheme == code)


def test_the_one_top_group_is_the_framework_and_the_rest_its_tree(package):
    assert not any(d.fatal for d in package.deviations)
    assert package.framework.title == "Workplace readiness"
    assert package.framework.description == "Competencies practised on placement"
    tree = parents_by_code(package)
    assert tree["SAFE.1"] == ["Safety"] and tree["COMM.1"] == ["ROOT"] and tree["Safety"] == ["ROOT"]
    assert "Workplace readiness" not in {i.full_statement for i in package.items}


def test_title_code_and_display_name_are_all_kept(package):
    safe = _by_code(package, "SAFE.1")
    assert safe.full_statement.startswith("Follows the site safety briefing")
    assert safe.item_type == "outcome" and safe.extra["display_name"] == "Safety briefing"
    assert safe.extra[SOURCE_IDENTIFIER] == "wbl-safe-1"


def test_canvas_sample_code_in_display_name_and_title_in_title():
    """Canvas's own documented sample puts the code in display_name ("LS-100")."""
    package = csv_canvas.read(
        b"vendor_guid,object_type,title,description,display_name,calculation_method,calculation_int,"
        b"workflow_state,parent_guids,ratings,,,,,,,\n"
        b"a,group,Parent group,parent group description,G-1,,,active,,,,,,,,,\n"
        b"b,group,Child group,child group description,G-1.1,,,active,a,,,,,,,,\n"
        b"c,outcome,Learning Standard,outcome description,LS-100,decaying_average,40,active,a b,"
        b"3,Excellent,2,Better,1,Good,,\n")
    assert not any(d.fatal for d in package.deviations)
    standard = _by_code(package, "LS-100")
    assert (standard.abbreviated_statement, standard.full_statement) == ("Learning Standard", "outcome description")
    assert package.framework.title == "Parent group"
    assert parents_by_code(package)["LS-100"] == ["ROOT", "G-1.1"]  # in two groups: the first is its parent


def test_calculation_methods_are_kept_exactly_as_written(package):
    """decaying_average behaves as weighted_average, but it is another word in Canvas."""
    safe = _by_code(package, "SAFE.1")
    assert safe.extra["calculation_method"] == "decaying_average" and safe.extra["calculation_int"] == 65
    written = csv_canvas.write(package).decode()
    assert "decaying_average,65" in written and "weighted_average" not in written


def test_parent_guids_may_be_left_out():
    package = csv_canvas.read(b"vendor_guid,object_type,title,description\n"
                              b"o1,outcome,OUT.1,First outcome\no2,outcome,OUT.2,Second outcome\n")
    assert not any(d.fatal for d in package.deviations)
    assert parents_by_code(package) == {"OUT.1": ["ROOT"], "OUT.2": ["ROOT"]}


def test_ratings_pairs_are_read_in_descending_points(package):
    safe = _by_code(package, "SAFE.1")
    assert safe.extra["ratings"] == [[4.0, "Exceeds"], [3.0, "Meets"], [0.0, "Does not meet"]]


@pytest.mark.parametrize(("line", "message"), [
    ("line 7, column 'calculation_method'", "between 50 and 99"),
    ("line 8, column 'parent_guids'", "'wbl-missing' is not in the file"),
    ("line 9, column 'vendor_guid'", "empty vendor_guid"),
    ("line 10, column 'object_type'", "'rubric' is not group or outcome"),
    ("line 11, column 'workflow_state'", "marked deleted"),
    ("line 12, ratings tier 2", "do not descend"),
])
def test_each_bad_row_is_reported_by_line_and_column(package, line, message):
    assert deviation_at(package, line, message)


def test_bad_rows_are_skipped_and_good_ones_kept(package):
    codes = {item.human_coding_scheme for item in package.items}
    assert {"BAD.1", "ORPH.1", "RAT.1"} <= codes  # kept, with the bad part dropped
    assert not {"NOGUID", "KIND", "GONE"} & codes
    orphan = parents_by_code(package)["ORPH.1"]
    assert orphan == ["ROOT"]


def test_missing_required_columns_is_fatal_and_named():
    package = csv_canvas.read(b"vendor_guid,title\nx,y\n")
    assert package.deviations[-1].fatal and "object_type" in package.deviations[-1].message


def test_a_file_with_no_usable_row_is_fatal():
    package = csv_canvas.read(b"vendor_guid,object_type,title,parent_guids\n,outcome,x,\n")
    assert package.deviations[-1].fatal and package.items == []


def test_size_limit_is_checked_before_reading():
    package = csv_canvas.read(b"x" * 2000, max_bytes=1000)
    assert package.deviations[0].fatal and "over the 1,000 byte limit" in package.deviations[0].message


def test_round_trip_keeps_items_and_parent_links(package):
    written = csv_canvas.write(package)
    again = csv_canvas.read(written)
    assert [d for d in again.deviations] == []
    same_items(package, again)
    safe = _by_code(again, "SAFE.1")
    assert safe.extra["ratings"][0] == [4.0, "Exceeds"] and safe.extra["calculation_int"] == 65
    assert safe.extra["display_name"] == "Safety briefing"


def test_written_file_has_canvas_header_and_parents_first(package):
    lines = csv_canvas.write(package).decode().splitlines()
    assert lines[0].startswith("vendor_guid,object_type,title,description,display_name,calculation_method,"
                               "calculation_int,parent_guids,workflow_state,ratings")
    order = [line.split(",")[0] for line in lines[1:]]
    assert order[0] == package.framework.identifier  # the framework, as the one top group
    assert order.index("wbl-safety") < order.index("wbl-safe-1")


def test_a_cell_too_large_for_the_csv_module_refuses_the_file_with_its_line():
    data = (b"vendor_guid,object_type,title,parent_guids\n"
            + b"a,outcome,A,\n"
            + b'b,outcome,"' + b"x" * 200_000 + b'",\n')
    package = csv_canvas.read(data)
    assert package.items == [] and deviation_at(package, "line 3", "field larger than field limit")
    assert all(d.fatal for d in package.deviations)
