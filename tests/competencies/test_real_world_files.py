"""Real files nobody here wrote (../shared/data): each read whole, each refused when cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from competencies.formats import csv_canvas, onet
from competencies.formats.spreadsheet import read_any_csv
from competencies.importing import ImportRejected, import_file
from competencies.labels import readable
from tests.competencies.database_dump import dump

pytestmark = pytest.mark.shared_data

DELIMITED = [("case/ccss-ela-items.csv", read_any_csv), ("onet/occupations.csv", read_any_csv),
             ("onet/task-statements-subset.txt", onet.read), ("onet/skills-subset.txt", onet.read),
             ("onet/content-model-reference.txt", onet.read)]


@pytest.mark.parametrize(("name", "reader"), DELIMITED, ids=[name for name, _ in DELIMITED])
def test_a_real_file_reads_whole_and_every_cut_copy_is_refused(shared_data: Path, name, reader):
    data = (shared_data / name).read_bytes()
    assert not any(d.fatal for d in reader(data).deviations)
    for share in (0.1, 0.35, 0.6, 0.85, 0.999):
        cut = int(len(data) * share)
        while data[cut - 1:cut + 1].count(b"\n"):  # a cut at a line break is the guard's case
            cut += 1
        fatal = [d for d in reader(data[:cut]).deviations if d.fatal]
        assert fatal and fatal[0].where.startswith("line "), (share, fatal)


def test_the_real_opensalt_file_is_titled_by_its_name_and_keeps_its_codes(
        db: Session, shared_data: Path) -> None:
    report = import_file(db, shared_data / "case" / "ccss-ela-items.csv")
    package = read_any_csv(shared_data / "case" / "ccss-ela-items.csv")
    assert package.framework.title == "ccss-ela-items" and report.items.created == 1189
    assert sum(item.human_coding_scheme is not None for item in package.items) == 901


def test_a_canvas_export_of_the_real_file_keeps_all_901_codes(shared_data: Path) -> None:
    """Issue 13: the Canvas CSV export put each code in the title and lost it on re-import."""
    package = read_any_csv(shared_data / "case" / "ccss-ela-items.csv")
    again = csv_canvas.read(csv_canvas.write(package))
    codes = lambda p: {i.identifier: i.human_coding_scheme for i in p.items}  # noqa: E731
    assert codes(again) == codes(package)
    statements = lambda p: {i.identifier: i.full_statement for i in p.items}  # noqa: E731
    assert statements(again) == statements(package)


def test_a_cut_real_file_over_its_framework_changes_nothing(db: Session, shared_data: Path,
                                                            tmp_path: Path) -> None:
    source = shared_data / "case" / "ccss-ela-items.csv"
    import_file(db, source)
    before = dump(db)
    cut = tmp_path / source.name
    data = source.read_bytes()
    cut.write_bytes(data[:len(data) * 6 // 10])
    with pytest.raises(ImportRejected):
        import_file(db, cut)
    whole_rows = tmp_path / "rows" / source.name
    whole_rows.parent.mkdir()
    whole_rows.write_bytes(data[:data.rindex(b"\n", 0, len(data) * 6 // 10) + 1])
    with pytest.raises(ImportRejected, match="would remove"):
        import_file(db, whole_rows)
    assert dump(db) == before


def test_real_onet_tasks_read_with_their_occupation(shared_data: Path) -> None:
    package = onet.read_files([shared_data / "onet" / "task-statements-subset.txt",
                               shared_data / "onet" / "occupations.csv"], release="30.3")
    task = next(item for item in package.items
                if item.item_type == "Task" and item.extra["occupation"] == "29-1141.00")
    code, text = readable(task.human_coding_scheme, task.full_statement, task.item_type,
                          task.abbreviated_statement, task.extra["occupation"],
                          task.extra.get("occupation_title"))
    assert code is None and str(text) == f"Task: {task.full_statement} (Registered Nurses, 29-1141.00)"
