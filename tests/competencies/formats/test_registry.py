"""The reader registry: formats register by name and extension; import_file dispatches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from competencies import formats
from competencies.formats import case_json, reader_for, register_reader
from competencies.importing import import_file
from competencies.package import FrameworkPackage, FrameworkRecord, ItemRecord


def _tiny_reader(source: bytes | Path) -> FrameworkPackage:
    text = source.read_text() if isinstance(source, Path) else source.decode()
    return FrameworkPackage(
        framework=FrameworkRecord(identifier="urn:tiny", title="Tiny"),
        items=[ItemRecord(identifier=f"urn:tiny:{n}", full_statement=line)
               for n, line in enumerate(text.splitlines())])


@pytest.fixture
def tiny_format(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(formats, "READERS", dict(formats.READERS))
    monkeypatch.setattr(formats, "EXTENSIONS", dict(formats.EXTENSIONS))
    register_reader("tiny", _tiny_reader, ["TINY"])
    return "tiny"


def test_case_json_is_registered_for_json_files() -> None:
    assert reader_for(Path("framework.JSON")) == ("case", case_json.read)


def test_a_registered_reader_is_found_by_extension_and_by_name(
        tiny_format: str, db: Session, tmp_path: Path) -> None:
    source = tmp_path / "list.tiny"
    source.write_text("Greets customers\nCounts the till\n")
    report = import_file(db, source)
    assert (report.items.created, report.source_format) == (2, "tiny")
    other = tmp_path / "list.txt"
    other.write_text("Stocks shelves\n")
    again = import_file(db, other, fmt="tiny", allow_removals=True).items  # now one line long
    assert (again.updated, again.deleted) == (1, 1)


def test_an_unknown_format_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="unknown format 'nope'; known: .*case"):
        reader_for(tmp_path / "x.json", "nope")
