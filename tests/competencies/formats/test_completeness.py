"""A cut-off delimited file is refused before a row is read, wherever the cut falls.

The rule (competencies/formats/completeness.py): quotes must balance, every row must have its
cells, and a file that does not end with a line break must prove its last row whole. Only a cut
that falls exactly at a line break is invisible in the text; the removal guard catches that one
on re-import (tests/competencies/test_import_refusals.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from competencies.formats import csv_canvas, csv_moodle, csv_opensalt, onet
from competencies.formats.completeness import check
from competencies.formats.spreadsheet import read_any_csv
from competencies.package import FrameworkPackage

Reader = Callable[[bytes], FrameworkPackage]
FILES: list[tuple[str, Reader]] = [
    ("canvas-outcomes.csv", csv_canvas.read),
    ("moodle-framework.csv", csv_moodle.read),
    ("moodle-framework-current.csv", csv_moodle.read),
    ("opensalt-smartlevel.csv", csv_opensalt.read),
    ("opensalt-template.csv", csv_opensalt.read),
    ("opensalt-generic-items.csv", csv_opensalt.read),
    ("onet-tasks.txt", onet.read),
]


def _at_a_line_break(data: bytes, cut: int) -> bool:
    return data[cut - 1:cut] in (b"\n", b"\r") or data[cut:cut + 1] in (b"\n", b"\r")


@pytest.mark.parametrize(("name", "reader"), FILES, ids=[name for name, _ in FILES])
def test_every_cut_that_is_not_at_a_line_break_is_refused(fixture_path: Path, name: str,
                                                         reader: Reader) -> None:
    """Every byte position of each layout's fixture: the cut copy is refused, never imported."""
    data = (fixture_path / name).read_bytes()
    assert not any(d.fatal for d in reader(data).deviations)
    accepted = [cut for cut in range(1, len(data))
                if not _at_a_line_break(data, cut)
                and not any(d.fatal for d in reader(data[:cut]).deviations)]
    assert accepted == []


@pytest.mark.parametrize(("text", "where", "says"), [
    ('a,b,c\n1,"two, and', "line 2, column 'b'", "quoted cell opens here"),
    ("a,b,c\n1,2,3\n4,5", "line 3", "ends in this row without a line break"),
    ("a,b,c\n1,2\n4,5,6\n", "line 2, column 'c'", "2 cells where the header names 3"),
    ("a,b,c\n1,2,3,4\n", "line 2, column 4", "4 cells where the header has 3"),
])
def test_each_sign_of_a_cut_is_located(text: str, where: str, says: str) -> None:
    [problem] = check(text)
    assert problem.fatal and problem.where == where and says in problem.message


@pytest.mark.parametrize("text", [
    "a,b,c\n1,2,3\n", "a,b,c\r\n1,2,3\r\n", 'a,b,c\n1,2,"three, whole"\n',
    "a,b,\n1,2\n",  # a trailing header cell without a name may be left off
])
def test_whole_files_pass(text: str) -> None:
    assert check(text) == []


def test_a_closing_quote_at_the_very_end_proves_nothing() -> None:
    """A quoted cell holding an escaped quote, cut between its two quotes, still ends in one."""
    assert check('a,b\n1,"say "') and check('a,b\n1,"say ""hi"""')


def test_a_file_without_a_final_line_break_is_refused_with_how_to_fix_it() -> None:
    package = read_any_csv(b"vendor_guid,object_type,title\nw1,outcome,A whole outcome")
    [problem] = [d for d in package.deviations if d.fatal]
    assert problem.where == "line 2" and "end it with a line break" in problem.message
    assert read_any_csv(b"vendor_guid,object_type,title\nw1,outcome,A whole outcome\n").items


def test_a_known_closed_value_proves_the_last_row_whole(fixture_path: Path) -> None:
    """O*NET's Domain Source ends each row with one of a few words; "Analyst" alone proves
    nothing, since it starts "Analyst - Transition"."""
    data = (fixture_path / "onet-tasks.txt").read_bytes().rstrip(b"\n")
    assert not any(d.fatal for d in onet.read(data).deviations)  # ends "Occupational Expert"
    cut = data[:data.rindex(b"Occupational")] + b"Analyst"
    assert any(d.fatal for d in onet.read(cut).deviations)
