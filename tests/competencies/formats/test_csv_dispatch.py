"""A .csv upload goes to the reader its header names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competencies.formats import READERS, csv_canvas, csv_moodle, csv_opensalt, onet, reader_for
from competencies.formats.spreadsheet import read_any_csv


@pytest.mark.parametrize(("fixture", "expected"), [
    ("canvas-outcomes.csv", "canvas-csv"), ("moodle-framework.csv", "moodle-csv")])
def test_header_picks_the_reader(fixture_path: Path, fixture, expected):
    assert read_any_csv(fixture_path / fixture).source_format == expected


def test_csv_extension_is_registered_with_the_sniffer(fixture_path: Path):
    name, reader = reader_for(fixture_path / "canvas-outcomes.csv")
    assert name == "csv" and reader is read_any_csv
    assert {"canvas-csv", "moodle-csv", "opensalt-csv", "onet", "canvas-xml", "asn-rdf"} <= set(READERS)
    assert reader_for(Path("x.rdf"))[0] == "asn-rdf" and reader_for(Path("learning_outcomes.xml"))[0] == "canvas-xml"


def test_an_unknown_header_is_fatal_and_lists_what_is_known():
    package = read_any_csv(b"name,colour\nx,y\n")
    assert package.deviations[0].fatal and "smartLevel" in package.deviations[0].message


HEADERS = [b"vendor_guid,object_type,title,parent_guids,ratings\n",
           (b'"Parent id number","Id number",Shortname,"Is framework","Rule type","Rule outcome","Rule config",'
            b'"Scale values","Scale configuration","Cross referenced competency id numbers"\n'),
           b"identifier,fullStatement,smartLevel,educationLevel,lastChangeDateTime\n",
           b"O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\n", b""]
CELLS = st.text(alphabet=',"\n\t0123456789.-abcxyzÑ{}[]:%\\ ', max_size=300).map(str.encode)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HEADERS), CELLS, st.sampled_from(
    [csv_canvas.read, csv_moodle.read, csv_opensalt.read, onet.read, read_any_csv]))
def test_no_input_makes_a_reader_raise(header, body, reader):
    """Whatever the rows hold, the answer is a package with a report, never an exception."""
    package = reader(header + body)
    assert package.items or package.deviations


@pytest.mark.parametrize(("fixture", "expected"), [
    ("opensalt-template.csv", "opensalt-csv"), ("opensalt-generic-items.csv", "opensalt-csv"),
    ("opensalt-smartlevel.csv", "opensalt-csv"), ("moodle-framework-current.csv", "moodle-csv")])
def test_every_known_layout_is_recognised(fixture_path: Path, fixture, expected):
    package = read_any_csv(fixture_path / fixture)
    assert package.source_format == expected and not any(d.fatal for d in package.deviations)


def test_an_unknown_header_lists_every_layout_and_its_columns():
    [problem] = read_any_csv(b"name,colour\nx,y\n").deviations
    for expected in ("Canvas outcomes: vendor_guid, object_type, title",
                     "Moodle competency framework: Parent ID number", "OpenSALT smartLevel",
                     "OpenSALT spreadsheet template: fullStatement, Is Child Of",
                     "OpenSALT generic item CSV", "O*NET occupations: O*NET-SOC Code"):
        assert expected in problem.message
