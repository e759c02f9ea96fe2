"""Reading a CASE JSON file: the size limit, where broken JSON breaks, and the streamed read
that gives what a whole parse gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from competencies.formats import case_json
from tests.competencies.formats.case_packages import small_package


def test_truncated_json_is_fatal_and_names_line_and_column() -> None:
    text = json.dumps(small_package(), indent=1)
    read = case_json.read(text[: len(text) // 2].encode())
    [deviation] = read.deviations
    assert deviation.fatal
    assert re.fullmatch(r"line \d+, column \d+", deviation.where)
    assert "truncated" in deviation.message
    assert read.items == []


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:  # sparse: 300 MB on paper, nothing on disk
        file.truncate(300 * 1024 * 1024)
    read = case_json.read(huge)
    [deviation] = read.deviations
    assert deviation.fatal and "over the limit of 209,715,200 bytes" in deviation.message
    assert case_json.read(b"{}" + b" " * 100, max_bytes=50).deviations[0].fatal


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 22])
def test_a_file_is_read_entry_by_entry_and_gives_what_a_whole_parse_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The streamed read of a file (case_json_stream, in chunks of any size, so values and
    numbers split at every place) and json.loads of the same bytes agree."""
    from competencies.formats import case_json_stream

    monkeypatch.setattr(case_json_stream, "CHUNK", chunk)

    package = small_package()
    package["CFItems"].append({"identifier": "x"})  # a bad entry: reported the same way
    text = json.dumps({"CFAssociations": package["CFAssociations"], **package}, indent=1)
    path = tmp_path / "package.json"
    path.write_text(text, encoding="utf-8")
    seen: list[int] = []
    assert case_json_stream.scan(text, {"CFItems": lambda raw, i: seen.append(i)}) is not None
    assert seen == list(range(len(package["CFItems"])))
    streamed, whole = case_json.read(path), case_json.read(text.encode())
    assert streamed.items == whole.items and streamed.associations == whole.associations
    assert sorted(streamed.deviations, key=repr) == sorted(whole.deviations, key=repr)


def test_a_file_the_streamed_read_cannot_walk_gets_the_located_json_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"CFDocument": {"identifier": "d"}, "CFItems": [{"identifier": "a"}, {"ide',
                    encoding="utf-8")
    [problem] = case_json.read(path).deviations
    assert problem.fatal and problem.where == "line 1, column 71" and "not valid JSON" in problem.message
