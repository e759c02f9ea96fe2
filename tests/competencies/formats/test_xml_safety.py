"""Hostile XML is refused before anything in it is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competencies.formats import xml_asn, xml_canvas
from competencies.formats.xml_safety import UnsafeXml, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE learningOutcomes [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<learningOutcomes xmlns="http://canvas.instructure.com/xsd/cccv1p0">
  <learningOutcome identifier="x"><title>&lol9;</title></learningOutcome>
</learningOutcomes>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:asn="http://purl.org/ASN/schema/core/"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <asn:Statement rdf:about="http://example.org/S1"><dcterms:description>&secret;</dcterms:description></asn:Statement>
</rdf:RDF>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE learningOutcomes SYSTEM "http://127.0.0.1:9/evil.dtd">
<learningOutcomes xmlns="http://canvas.instructure.com/xsd/cccv1p0"/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]><x/>"""


def test_billion_laughs_is_refused_and_nothing_read():
    package = xml_canvas.read(BILLION_LAUGHS)
    assert package.items == [] and len(package.deviations) == 1
    assert package.deviations[0].fatal and "declares entities (lol, lol1" in package.deviations[0].message


def test_external_entity_to_etc_passwd_is_refused_and_nothing_read():
    package = xml_asn.read(EXTERNAL_ENTITY)
    assert package.items == [] and package.deviations[0].fatal
    assert "declares entities (secret)" in package.deviations[0].message
    assert "root:" not in repr(package)


@pytest.mark.parametrize(("document", "message"), [
    (EXTERNAL_DTD, "external DTD"),
    (PARAMETER_ENTITY, r"declares entities \(remote\)"),
])
def test_other_entity_tricks_are_refused(document, message):
    with pytest.raises(UnsafeXml, match=message):
        parse_xml(document)


def test_size_is_checked_before_parsing(tmp_path: Path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"<a>" + b"x" * 5000 + b"</a>")
    with pytest.raises(UnsafeXml, match="over the 1,000 byte limit"):
        parse_xml(big, max_bytes=1000)
    package = xml_canvas.read(big, max_bytes=1000)
    assert package.deviations[0].fatal and "byte limit" in package.deviations[0].message


def test_broken_xml_is_a_clear_report():
    package = xml_canvas.read(b"<learningOutcomes><learningOutcome>")
    assert package.deviations[0].fatal and package.deviations[0].message.startswith("not well-formed XML")


def test_a_doctype_without_entities_is_fine():
    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a ANY>]><a>ok</a>')
    assert root.text == "ok"


def test_the_bomb_in_utf_16_is_refused_too():
    document = BILLION_LAUGHS.decode().replace('<?xml version="1.0"?>',
                                               '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    with pytest.raises(UnsafeXml, match="declares entities"):
        parse_xml(document)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([b"<learningOutcomes xmlns='http://canvas.instructure.com/xsd/cccv1p0'>",
                        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", b"<!DOCTYPE x [", b""]),
       st.binary(max_size=300), st.sampled_from([xml_canvas.read, xml_asn.read]))
def test_no_bytes_make_an_xml_reader_raise(start, body, reader):
    package = reader(start + body)
    assert package.items or package.deviations
