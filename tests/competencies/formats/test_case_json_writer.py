"""Writing CASE 1.1 JSON that the official 1EdTech schema accepts, whatever the source was."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from competencies.formats import case_json, case_schema
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.package import (
    AssociationRecord,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    RubricCriterionRecord,
    RubricLevelRecord,
    RubricRecord,
    ScaleLevelRecord,
)
from tests.competencies.formats.case_packages import small_package

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def schema(shared_data: Path) -> Path:
    return shared_data / "case" / "schema" / "case-v1p1-cfpackage.json"


def _onet_like_package() -> FrameworkPackage:
    """Identifiers that are not UUIDs, a custom association type, extras, a rubric and scale."""
    return FrameworkPackage(
        framework=FrameworkRecord(identifier="onet:15-1252.00", title="Software Developers",
                                  licence="CC BY 4.0", attribution="This page includes "
                                  "information from the O*NET 30.3 Database…"),
        items=[ItemRecord(identifier="onet:15-1252.00:skill:2.A.1.a", full_statement="Reading",
                          extra={"importance": 3.88, "level": 4.12}),
               ItemRecord(identifier="onet:15-1252.00:task:16363", full_statement="Write code",
                          education_levels=["12"])],
        associations=[AssociationRecord(identifier="onet:a1", association_type="isPartOf",
                                        origin="onet:15-1252.00:skill:2.A.1.a",
                                        destination="onet:15-1252.00"),
                      AssociationRecord(identifier="onet:a2", association_type="requires skill",
                                        origin="onet:15-1252.00:task:16363",
                                        destination="http://purl.org/ASN/resources/S1143409",
                                        destination_framework="http://purl.org/ASN/D10003FB")],
        rubrics=[RubricRecord(identifier="rubric:safety", title="Safety", criteria=[
            RubricCriterionRecord(identifier="rubric:safety:1", description="PPE",
                                  item_identifier="onet:15-1252.00:task:16363", levels=[
                                      RubricLevelRecord(identifier="rubric:safety:1:3",
                                                        description="Always", score=3)])])],
        scale=[ScaleLevelRecord(label="Mastered", points=4, proficient=True, color="0b874b")],
        source_format="onet",
    )


@pytest.mark.shared_data
def test_a_non_case_source_exports_valid_case_1_1(schema: Path) -> None:
    document = case_json.write(_onet_like_package(), now=NOW)
    assert case_schema.validate(document, schema) == []
    assert all(is_case_uuid(item["identifier"]) for item in document["CFItems"])
    assert document["CFAssociations"][1]["associationType"] == "ext:requires-skill"
    assert document["CFItems"][0]["extensions"]["importance"] == 3.88


def test_identifiers_map_to_the_same_uuid_every_time() -> None:
    assert case_uuid("http://purl.org/ASN/resources/S1143409") == \
        case_uuid("http://purl.org/ASN/resources/S1143409")
    assert case_uuid("9a1b2c3d-0000-4000-8000-000000000001") == \
        "9a1b2c3d-0000-4000-8000-000000000001"
    assert case_uuid("9A1B2C3D-0000-4000-8000-000000000001") != \
        "9A1B2C3D-0000-4000-8000-000000000001"


def test_writing_then_reading_gives_back_the_source_identifiers_and_facts() -> None:
    source = _onet_like_package()
    again = case_json.read(json.dumps(case_json.write(source, now=NOW)).encode())
    assert [d for d in again.deviations] == []
    assert again.framework.identifier == "onet:15-1252.00"
    assert again.framework.attribution == source.framework.attribution
    assert again.framework.licence == "CC BY 4.0"
    assert [i.identifier for i in again.items] == [i.identifier for i in source.items]
    assert again.items[0].extra == {"importance": 3.88, "level": 4.12}
    assert [(a.identifier, a.association_type, a.origin, a.destination, a.destination_framework)
            for a in again.associations] == [
        (a.identifier, a.association_type, a.origin, a.destination, a.destination_framework)
        for a in source.associations]
    assert again.rubrics[0].criteria[0].item_identifier == "onet:15-1252.00:task:16363"
    assert again.rubrics[0].criteria[0].levels[0].identifier == "rubric:safety:1:3"
    assert again.scale == source.scale


@pytest.mark.shared_data
def test_pre_1_0_ccss_math_exports_valid_case_1_1(shared_data: Path, schema: Path) -> None:
    package = case_json.read(shared_data / "case" / "ccss-math-sample.json")
    document = case_json.write(package, now=NOW)
    assert case_schema.validate(document, schema) == []
    assert document["CFDocument"]["extensions"]["sourceIdentifier"] == \
        "http://purl.org/ASN/resources/D10003FB"


@pytest.mark.shared_data
def test_schema_errors_name_their_json_path(shared_data: Path, schema: Path) -> None:
    document = json.loads((shared_data / "case" / "ccss-math-sample.json").read_text())
    errors = case_schema.validate(document, schema)
    assert len(errors) > 2000
    assert any(e.where == "CFDocument.subject" for e in errors)
    assert any(e.where.startswith("CFItems[") and e.where.endswith("].identifier")
               for e in errors)
    assert len(case_schema.validate(document, schema, limit=5)) == 5


def test_the_schema_location_comes_from_the_environment(tmp_path: Path) -> None:
    assert case_schema.schema_from_env({}) is None
    assert case_schema.schema_from_env({"WORKLINK_CASE_SCHEMA": str(tmp_path / "s.json")}) == \
        tmp_path / "s.json"


@pytest.mark.shared_data
def test_a_small_clean_package_survives_the_round_trip_unchanged(schema: Path) -> None:
    source = case_json.read(json.dumps(small_package()).encode())
    document = case_json.write(source, now=NOW)
    assert case_schema.validate(document, schema) == []
    assert document["CFItems"][0]["identifier"] == small_package()["CFItems"][0]["identifier"]
    assert "extensions" not in document["CFItems"][0]
