"""Reading a CFPackage's content: the real packages, every tolerated oddity, and what is fatal."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from competencies.formats import case_json
from competencies.package import Deviation, FrameworkPackage
from tests.competencies.formats.case_packages import DOC, case_item, item_id, small_package


def _shapes(deviations: list[Deviation]) -> collections.Counter[tuple[str, str]]:
    return collections.Counter((re.sub(r"\[\d+\]", "[]", d.where), d.message) for d in deviations)


def _read(package: object) -> FrameworkPackage:
    return case_json.read(json.dumps(package).encode())


def test_a_clean_case_1_1_package_reads_without_deviations() -> None:
    package = _read(small_package())
    assert package.deviations == []
    assert package.source_format == "case-1.1"
    assert [item.human_coding_scheme for item in package.items] == [f"T.{n}" for n in range(1, 6)]
    assert package.associations[2].origin == item_id(3)
    assert package.associations[2].destination == item_id(1)
    assert package.items[0].last_change == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.mark.shared_data
def test_smartlevel_framework_is_clean_case_1_0(shared_data: Path) -> None:
    package = case_json.read(shared_data / "case" / "SmartLevelFramework.json")
    assert package.deviations == []
    assert package.source_format == "case-1.0"
    assert package.framework.title == "SmartLevel Test"
    assert len(package.items) == 14 and len(package.associations) == 14
    parents = collections.Counter(a.destination for a in package.associations)
    assert parents == {"d0000000-0000-0000-0000-000000000000": 2,
                       "00000000-0000-0000-0000-000000000001": 10,
                       "00000000-0000-0000-0000-000000000002": 2}


@pytest.mark.shared_data
def test_ccss_math_pre_1_0_quirks_are_each_reported_where_they_are(shared_data: Path) -> None:
    package = case_json.read(shared_data / "case" / "ccss-math-sample.json")
    assert package.source_format == "case-pre-1.0"
    assert not [d for d in package.deviations if d.fatal]
    assert len(package.items) == 703 and len(package.associations) == 703
    framework = package.framework
    assert framework.identifier == "http://purl.org/ASN/resources/D10003FB"
    assert framework.subjects == ["Math"]
    assert framework.last_change == dt.datetime(2016, 9, 28, 21, 43, 1, tzinfo=dt.UTC)
    shapes = _shapes(package.deviations)
    assert shapes[("CFItems[].lastChangeDateTime",
                   "date-time without a time zone; read as UTC")] == 703
    assert shapes[("CFAssociations[].lastChangeDateTime",
                   "date-time without a time zone; read as UTC")] == 703
    assert shapes[("CFItems[].educationalLevel",
                   "pre-1.0 name of educationLevel; read as educationLevel")] == 703
    assert shapes[("CFItems[].identifier", "identifier is not a CASE UUID; kept as is "
                   "(a UUID is derived from it on export)")] == 703
    assert shapes[("CFAssociations[].CFAssociationGroupingURI.uri",
                   "is null or missing in a CASE link")] == 703
    assert shapes[("CFDocument.subject", "a single string where CASE expects an array; "
                   "read as a one-element array")] == 1
    assert shapes[("CFDefinitions.CFItemTypes[].description",
                   "is null; CASE wants a value or no property")] == 4
    assert shapes[("CFDefinitions.CFSubjects[].lastChangeDateTime",
                   "required lastChangeDateTime is missing")] == 1
    assert Deviation("CFItems[12].lastChangeDateTime",
                     "date-time without a time zone; read as UTC") in package.deviations
    by_id = {item.identifier: item for item in package.items}
    assert sum(1 for item in package.items if item.human_coding_scheme) == 664
    assert sum(1 for item in package.items if item.list_enumeration) == 517
    assert sum(1 for item in package.items if item.notes) == 155
    assert sum(1 for item in package.items if item.item_type is None) == 6
    assert collections.Counter(i.item_type for i in package.items)["Standard"] == 393
    first = by_id["http://asn.jesandco.org/resources/S2366905"]
    assert first.education_levels == ["KG"]
    assert sum(1 for a in package.associations if a.destination == framework.identifier) == 17


def test_sourced_id_string_numbers_and_zoneless_times_are_tolerated() -> None:
    package = small_package()
    package["CFItems"][0] = {"sourcedId": item_id(1), "fullStatement": "One",
                             "lastChangeDateTime": "2024-03-01T10:00:00",
                             "educationLevel": "09,10"}
    package["CFAssociations"][0]["sequenceNumber"] = "3"
    read = _read(package)
    assert read.items[0].identifier == item_id(1)
    assert read.items[0].education_levels == ["09", "10"]
    assert read.items[0].last_change == dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)
    assert read.associations[0].sequence == 3
    assert {(d.where, d.fatal) for d in read.deviations} == {
        ("CFItems[0].sourcedId", False),
        ("CFItems[0].lastChangeDateTime", False),
        ("CFItems[0].educationLevel", False),
        ("CFAssociations[0].sequenceNumber", False),
    }


def test_pre_1_0_association_shapes_and_item_type_links_are_understood() -> None:
    package = small_package()
    del package["CFDocument"]["caseVersion"]
    association = package["CFAssociations"][2]
    association["originNodeIdentifier"] = association.pop("originNodeURI")["identifier"]
    package["CFItems"][1] = case_item(2, CFItemTypeURI={"title": "Domain", "identifier": DOC,
                                                        "uri": "https://case.test/t"})
    read = _read(package)
    assert read.associations[2].origin == item_id(3)
    assert read.items[1].item_type == "Domain"
    assert read.source_format == "case-pre-1.0"


def test_rubrics_are_read_with_criteria_levels_and_aligned_item() -> None:
    package = small_package()
    package["CFRubrics"] = [{
        "identifier": "7d6c5b4a-0000-4000-8000-000000000001", "uri": "https://case.test/r",
        "title": "Workplace safety", "lastChangeDateTime": "2024-01-01T00:00:00Z",
        "CFRubricCriteria": [{
            "identifier": "7d6c5b4a-0000-4000-8000-000000000002", "uri": "https://case.test/c",
            "lastChangeDateTime": "2024-01-01T00:00:00Z", "weight": "2", "position": 1,
            "description": "Uses protective equipment",
            "CFItemURI": {"title": "T.3", "identifier": item_id(3), "uri": "https://case.test"},
            "CFRubricCriterionLevels": [
                {"identifier": "7d6c5b4a-0000-4000-8000-000000000003", "uri": "https://x",
                 "lastChangeDateTime": "2024-01-01T00:00:00Z", "score": 3, "quality": "Meets"},
            ],
        }],
    }]
    read = _read(package)
    criterion = read.rubrics[0].criteria[0]
    assert (criterion.item_identifier, criterion.weight) == (item_id(3), 2.0)
    assert criterion.levels[0].quality == "Meets" and criterion.levels[0].score == 3.0
    assert [d.where for d in read.deviations] == ["CFRubrics[0].CFRubricCriteria[0].weight"]


@pytest.mark.parametrize(("package", "where", "words"), [
    ([1, 2], "$", "found an array"),
    ({"CFItems": []}, "CFDocument", "missing"),
    ({"CFDocument": "x"}, "CFDocument", "found a string"),
    ({"CFDocument": {"identifier": DOC}, "CFItems": {"a": 1}}, "CFItems", "found an object"),
])
def test_wrong_top_level_types_are_fatal_with_their_path(
        package: object, where: str, words: str) -> None:
    read = _read(package)
    fatal = [d for d in read.deviations if d.fatal]
    assert fatal and fatal[0].where == where and words in fatal[0].message


def test_a_bad_item_is_skipped_and_reported_not_fatal() -> None:
    package = small_package()
    package["CFItems"].append("not an item")
    package["CFItems"].append({"identifier": item_id(9)})
    read = _read(package)
    assert len(read.items) == 5
    assert [(d.where, d.fatal) for d in read.deviations] == [
        ("CFItems[5]", False), ("CFItems[6].fullStatement", False)]
