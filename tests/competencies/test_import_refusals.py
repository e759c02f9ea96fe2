"""A refused import leaves the database exactly as it was: every row of every table compared.

Each delimited layout is imported whole, then cut off as a failed download would cut it (at 60%
of its bytes, inside a quoted cell, at a line break) and imported again over it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from competencies.importing import ImportRejected, import_file
from tests.competencies.database_dump import dump

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LAYOUTS = ["canvas-outcomes.csv", "moodle-framework.csv", "moodle-framework-current.csv",
           "opensalt-smartlevel.csv", "opensalt-template.csv", "opensalt-generic-items.csv",
           "onet-tasks.txt"]


def _copy(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "cut" / name  # the same name: the same framework if it were read
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", LAYOUTS)
def test_a_copy_cut_at_60_percent_is_refused_with_its_line_and_nothing_changes(
        db: Session, tmp_path: Path, name: str) -> None:
    whole = (FIXTURES / name).read_bytes()
    import_file(db, FIXTURES / name)
    before = dump(db)
    with pytest.raises(ImportRejected) as refused:
        import_file(db, _copy(tmp_path, name, whole[:len(whole) * 6 // 10]))
    assert refused.value.report.fatal[0].where.startswith(("line ", f"{name}, line "))
    assert "nothing was imported" in refused.value.report.fatal[0].message
    assert dump(db) == before


def test_a_cut_inside_a_quoted_statement_names_the_cell(db: Session, tmp_path: Path) -> None:
    whole = (FIXTURES / "opensalt-template.csv").read_bytes()
    cut = whole[:whole.index(b"Hands over to the next shift with") + 20]
    import_file(db, FIXTURES / "opensalt-template.csv")
    before = dump(db)
    with pytest.raises(ImportRejected) as refused:
        import_file(db, _copy(tmp_path, "opensalt-template.csv", cut))
    assert refused.value.report.fatal[0].where == "line 7, column 'fullStatement'"
    assert dump(db) == before


def test_a_cut_at_a_line_break_is_stopped_by_the_removal_guard(db: Session, tmp_path: Path) -> None:
    """Invisible in the text, so the guard on how much a re-import may remove catches it."""
    whole = (FIXTURES / "opensalt-generic-items.csv").read_bytes()
    lines = whole.splitlines(keepends=True)
    first = import_file(db, FIXTURES / "opensalt-generic-items.csv")
    before = dump(db)
    short = _copy(tmp_path, "opensalt-generic-items.csv", b"".join(lines[:4]))
    with pytest.raises(ImportRejected) as refused:
        import_file(db, short)
    assert "would remove 3 of the framework's 6 current items (50%)" in str(refused.value)
    assert dump(db) == before
    confirmed = import_file(db, short, allow_removals=True)
    assert confirmed.framework_id == first.framework_id and confirmed.items.deleted == 3
    assert confirmed.summary()[0].endswith(": updated (3 items changed, 3 associations changed)")


def test_a_larger_removal_limit_lets_a_small_trim_through(db: Session, tmp_path: Path) -> None:
    whole = (FIXTURES / "opensalt-generic-items.csv").read_bytes()
    import_file(db, FIXTURES / "opensalt-generic-items.csv")
    trimmed = _copy(tmp_path, "opensalt-generic-items.csv", b"".join(whole.splitlines(True)[:-1]))
    with pytest.raises(ImportRejected):
        import_file(db, trimmed)  # 1 of 6 is 17%, over the default 10%
    assert import_file(db, trimmed, removal_share=0.2).items.deleted == 1


def test_the_summary_never_says_unchanged_when_items_changed(db: Session, tmp_path: Path) -> None:
    import_file(db, FIXTURES / "opensalt-generic-items.csv")
    changed = (FIXTURES / "opensalt-generic-items.csv").read_bytes().replace(
        b"Reads a site plan", b"Reads a floor plan")
    report = import_file(db, _copy(tmp_path, "opensalt-generic-items.csv", changed))
    assert report.framework == "updated" and report.items.updated == 1
    assert report.summary()[0].endswith(": updated (1 items changed)")


def test_unnumbered_children_are_ordered_by_code_with_digits_as_numbers(db: Session) -> None:
    """OpenSALT's own ordering tests expect 1.2 before 1.10; a text sort puts 1.10 first."""
    from competencies import browse

    report = import_file(db, FIXTURES / "opensalt-generic-items.csv")
    assert report.framework_id is not None
    [top] = browse.top_level(db, report.framework_id).entries
    codes = [node.code for node in browse.children(db, top.item_id).entries]
    assert codes == ["CON.1", "CON.2", "CON.3", "CON.10"]
