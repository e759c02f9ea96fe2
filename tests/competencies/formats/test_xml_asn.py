"""ASN RDF/XML: statements, codes, grade levels and the tree from both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.formats import xml_asn
from tests.competencies.formats.format_checks import deviation_at, parents_by_code


@pytest.fixture
def package(fixture_path: Path):
    return xml_asn.read(fixture_path / "asn-statements.rdf")


def test_standard_document_names_the_framework(package):
    framework = package.framework
    assert framework.title == "Workplace Readiness Standards (test)"
    assert framework.uri == "http://example.org/asn/D1000001"
    assert framework.publisher == "Example State Department of Education"
    assert framework.jurisdiction == "XX" and framework.subjects == ["careerEducation"]
    assert framework.licence == "CC BY 4.0 (test fixture)"


@pytest.mark.parametrize(("title", "expected"), [
    ('<dcterms:title xmlns:dcterms="http://purl.org/dc/terms/">Dcterms title</dcterms:title>', "Dcterms title"),
    ("", "standards-2024"),
])
def test_without_dc_title_the_title_is_dcterms_then_the_file_name(tmp_path, title, expected):
    path = tmp_path / "standards-2024.rdf"
    path.write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:asn="http://purl.org/ASN/schema/core/" xmlns:dcterms="http://purl.org/dc/terms/">'
        f'<asn:StandardDocument rdf:about="http://example.org/D2">{title}</asn:StandardDocument>'
        '<asn:Statement rdf:about="http://example.org/S2"><dcterms:description>One</dcterms:description>'
        '</asn:Statement></rdf:RDF>', encoding="utf-8")
    assert xml_asn.read(path).framework.title == expected


def test_statements_become_items_with_code_label_grades_and_uri(package):
    domain = next(i for i in package.items if i.human_coding_scheme == "WR.C")
    assert domain.full_statement == "Communication in the workplace"  # English chosen over Spanish
    assert domain.item_type == "Domain" and domain.education_levels == ["11", "12", "KG", "09"]  # CEDS codes
    assert domain.uri == "http://example.org/asn/S1000010" and domain.language == "en-US"


def test_tree_is_read_from_is_child_of_and_has_child(package):
    tree = parents_by_code(package)
    assert tree["WR.C"] == ["ROOT"]
    assert tree["WR.C.1"] == ["WR.C"]
    assert tree["WR.C.2"] == ["WR.C"]  # only the parent's gemq:hasChild names this link


def test_bad_statements_are_reported_and_skipped(package):
    assert deviation_at(package, "line 49, asn:Statement", "has no dcterms:description; skipped")
    assert deviation_at(package, "gemq:isChildOf", "S9999999 is not in the file; placed at the top")
    assert len(package.items) == 4 and not any(d.fatal for d in package.deviations)


@pytest.mark.shared_data
def test_the_asn_vocabulary_gives_a_clear_no_statements_report(shared_data: Path):
    package = xml_asn.read(shared_data / "asn" / "profile.rdf")
    assert package.items == [] and len(package.deviations) == 1
    message = package.deviations[0].message
    assert package.deviations[0].fatal and message.startswith("no asn:Statement in the file")
    assert "vocabulary such as the ASN application profile" in message


def test_statements_without_a_document_still_import():
    data = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        xmlns:asn="http://purl.org/ASN/schema/core/" xmlns:dcterms="http://purl.org/dc/terms/">
      <asn:Statement rdf:about="http://example.org/S1"><dcterms:description>One</dcterms:description></asn:Statement>
    </rdf:RDF>"""
    package = xml_asn.read(data)
    assert [i.full_statement for i in package.items] == ["One"]
    assert deviation_at(package, "document", "no asn:StandardDocument")
