"""OpenSALT item CSV: the real CCSS ELA file, its mojibake, grade lists and smartLevel tree."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest

from competencies.formats import csv_opensalt
from competencies.package import AssociationType
from tests.competencies.formats.format_checks import deviation_at, parents_by_code

HEADER = ("identifier,fullStatement,humanCodingScheme,smartLevel,listEnumeration,abbreviatedStatement,"
          "conceptKeywords,notes,language,educationLevel,CFItemType,license,lastChangeDateTime\n")


@functools.cache
def _read(path: Path):
    return csv_opensalt.read(path)


@pytest.fixture
def ela(shared_data: Path):
    return _read(shared_data / "case" / "ccss-ela-items.csv")


@pytest.mark.shared_data
def test_every_row_of_the_real_file_is_read_into_one_tree(ela):
    assert len(ela.items) == 1189
    assert not any(d.fatal for d in ela.deviations)
    links = [a for a in ela.associations if a.association_type == AssociationType.IS_CHILD_OF]
    assert len(links) == 1189
    assert sum(a.destination == ela.framework.identifier for a in links) == 12  # the 12 smartLevel roots
    assert Counter(i.item_type for i in ela.items)["Standard"] == 488


@pytest.mark.shared_data
def test_smart_level_gives_parent_and_order(ela):
    by_id = {item.identifier: item for item in ela.items}
    link = next(a for a in ela.associations if by_id[a.origin].human_coding_scheme == "L.1.4")
    assert link.sequence == 1 and by_id[link.destination].identifier != ela.framework.identifier


@pytest.mark.shared_data
def test_mac_roman_mojibake_is_repaired_and_each_fix_reported(ela):
    fixes = [d for d in ela.deviations if "Mac Roman" in d.message]
    assert len(fixes) == 35
    assert deviation_at(ela, "line 26, column 'fullStatement'", "grades 9Ñ10 reading ' → ' on grades 9—10")
    text = " ".join(item.full_statement for item in ela.items)
    assert "9—10" in text and "Musée des Beaux Arts" in text and "isÑ" not in text
    assert not any(ch in text for ch in "ÑÐ\x8e")


@pytest.mark.shared_data
def test_grade_lists_and_dotted_grade_bands(ela):
    grades = {tuple(item.education_levels) for item in ela.items}
    assert ("09", "10") in grades and any(len(g) >= 6 for g in grades)
    assert deviation_at(ela, "line 197, column 'educationLevel'", "'09.10' read as grades 09 and 10")
    assert not any("." in grade for item in ela.items for grade in item.education_levels)


@pytest.mark.shared_data
def test_times_without_zone_are_read_as_utc_with_one_report(ela):
    assert all(item.last_change.tzinfo is not None for item in ela.items)
    zone_reports = [d.message for d in ela.deviations if "time zone" in d.message]
    assert zone_reports == ["1189 times have no time zone; read as UTC"]


def test_bad_rows_are_reported_and_skipped_not_fatal():
    data = (HEADER
            + "a0000000-0000-4000-8000-000000000001,Top,T,1,,,,,en,KG,Strand,,2017-08-23 23:48:01\n"
            + "a0000000-0000-4000-8000-000000000002,,X,1.1,,,,,en,KG,,,\n"
            + "a0000000-0000-4000-8000-000000000003,Bad level,X,one.two,,,,,en,KG,,,\n"
            + "a0000000-0000-4000-8000-000000000004,Lost parent,L,1.7.2,,,,,en,KG,,,\n"
            + "a0000000-0000-4000-8000-000000000005,Repeat,R,1,,,,,en,KG,,,\n"
            + "not-a-uuid,Derived id,D,2,,,,,en,01,,,yesterday\n").encode()
    package = csv_opensalt.read(data)
    assert [i.full_statement for i in package.items] == ["Top", "Lost parent", "Derived id"]
    assert deviation_at(package, "line 3, column 'fullStatement'", "empty fullStatement")
    assert deviation_at(package, "line 4, column 'smartLevel'", "'one.two' is not like 1.2.3")
    assert deviation_at(package, "line 5, column 'smartLevel'", "parent 1.7 is not in the file; placed under 1")
    assert deviation_at(package, "line 6, column 'smartLevel'", "smartLevel 1 repeats")
    assert deviation_at(package, "line 7, column 'identifier'", "'not-a-uuid' is not a UUID")
    assert deviation_at(package, "line 7, column 'lastChangeDateTime'", "'yesterday' is not a date")


def test_identifiers_are_stable_across_reads():
    data = (HEADER + "not-a-uuid,Derived id,D,1,,,,,en,01,,,\n").encode()
    assert csv_opensalt.read(data).items[0].identifier == csv_opensalt.read(data).items[0].identifier
    assert csv_opensalt.read(data).framework.identifier == csv_opensalt.read(data).framework.identifier


def test_without_a_tree_column_nothing_is_read():
    package = csv_opensalt.read(b"identifier,fullStatement\nx,y\n")
    assert package.deviations[-1].fatal and "smartLevel, Is Child Of" in package.deviations[-1].message


def test_the_spreadsheet_template_reads_is_child_of_codes_and_associations(fixture_path: Path):
    package = csv_opensalt.read(fixture_path / "opensalt-template.csv")
    assert not any(d.fatal for d in package.deviations)
    assert package.framework.title == "opensalt-template"
    tree = parents_by_code(package)
    assert tree["HS.S.1"] == ["HS.S"] and tree["HS.C.2"] == ["HS.C"]  # named, then by code prefix
    assert tree["HS.C.2.a"] == ["HS.C.2"] and tree["HS.S"] == ["ROOT"]
    code = {item.identifier: item.human_coding_scheme for item in package.items}
    others = sorted((a.association_type, code[a.origin], code[a.destination])
                    for a in package.associations if a.association_type != AssociationType.IS_CHILD_OF)
    assert others == [("isRelatedTo", "HS.S.1", "HS.C.2"), ("precedes", "HS.S.2", "HS.S.1")]
    hazards = next(i for i in package.items if i.human_coding_scheme == "HS.S.1")
    assert (hazards.abbreviated_statement, hazards.education_levels, hazards.item_type) == \
        ("Hazards", ["11", "12"], "Standard")


def test_the_generic_item_csv_reads_parent_codes(fixture_path: Path):
    package = csv_opensalt.read(fixture_path / "opensalt-generic-items.csv")
    assert not any(d.fatal for d in package.deviations)
    tree = parents_by_code(package)
    assert tree == {"CON": ["ROOT"], "CON.1": ["CON"], "CON.2": ["CON"], "CON.2.1": ["CON.2"],
                    "CON.10": ["CON"], "CON.3": ["CON"]}


def test_two_sheets_without_identifiers_never_share_items(fixture_path: Path):
    first = csv_opensalt.read(fixture_path / "opensalt-generic-items.csv")
    second = csv_opensalt.read((fixture_path / "opensalt-generic-items.csv").read_bytes(),
                               title="Another district's sheet")
    assert not {i.identifier for i in first.items} & {i.identifier for i in second.items}
