"""A .csv upload goes to the reader its header names."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.formats import READERS, reader_for
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
