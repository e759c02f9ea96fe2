"""Spreadsheet identifiers name an item only within the framework they came in.

Canvas's vendor_guid is unique in one Canvas account and Moodle's id number in one framework, so
two unrelated files that reuse them never touch each other's items; the same framework
imported again still updates in place; Worklink's own exports import back unchanged.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.exporting import load_package
from competencies.formats import csv_canvas, csv_moodle
from competencies.importing import import_file
from competencies.models import Framework, Item

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = b"vendor_guid,object_type,title,description,parent_guids\n"


def _file(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(HEADER + body)
    return path


def test_two_unrelated_canvas_files_with_the_same_guids_are_two_frameworks(
        db: Session, tmp_path: Path) -> None:
    nursing = _file(tmp_path, "nursing.csv", b"root,group,Nursing assistant,,\n"
                    b"o1,outcome,NA.1,Takes vital signs,root\no2,outcome,NA.2,Moves a patient,root\n"
                    b"o3,outcome,NA.3,Charts care,root\n")
    welding = _file(tmp_path, "welding.csv", b"root,group,Welding,,\n"
                    b"o1,outcome,WLD.1,Strikes an arc,root\no2,outcome,WLD.2,Runs a bead,root\n"
                    b"o3,outcome,WLD.3,Inspects a joint,root\n")
    first, second = import_file(db, nursing), import_file(db, welding)
    assert (first.framework, second.framework) == ("created", "created")
    assert first.framework_id != second.framework_id and second.items.created == 3
    statements = db.scalars(select(Item.full_statement).where(
        Item.framework_id == first.framework_id).order_by(Item.full_statement)).all()
    assert statements == ["Charts care", "Moves a patient", "Takes vital signs"]


def test_the_same_canvas_framework_again_updates_in_place(db: Session, tmp_path: Path) -> None:
    body = (b"root,group,Nursing assistant,,\no1,outcome,NA.1,Takes vital signs,root\n"
            b"o2,outcome,NA.2,Moves a patient,root\n")
    first = import_file(db, _file(tmp_path, "nursing.csv", body))
    renamed = import_file(db, _file(tmp_path, "nursing (1).csv",
                                    body.replace(b"Moves a patient", b"Moves a patient safely")))
    assert renamed.framework_id == first.framework_id
    assert (renamed.items.updated, renamed.items.created, renamed.items.deleted) == (1, 0, 0)


def test_two_moodle_frameworks_with_the_same_id_numbers_are_two_frameworks(
        db: Session, tmp_path: Path) -> None:
    whole = (FIXTURES / "moodle-framework-current.csv").read_bytes()
    other = tmp_path / "other-site.csv"
    other.write_bytes(whole.replace(b'"Hospitality placement"', b'"Retail placement"'))
    first, second = import_file(db, FIXTURES / "moodle-framework-current.csv"), import_file(db, other)
    assert first.framework_id != second.framework_id and second.items.created == 4


def _round_trip(db: Session, tmp_path: Path, source: Path, writer, name: str) -> None:
    first = import_file(db, source)
    framework = db.get(Framework, first.framework_id)
    assert framework is not None
    exported = tmp_path / name
    exported.write_bytes(writer(load_package(db, framework.identifier)))
    again = import_file(db, exported)
    assert again.framework_id == first.framework_id
    assert (again.framework, again.items.created, again.items.updated, again.items.deleted) == \
        ("unchanged", 0, 0, 0), again.summary()
    assert db.scalar(select(func.count()).select_from(Framework)) == 1


def test_worklinks_canvas_export_imports_back_unchanged(db: Session, tmp_path: Path) -> None:
    _round_trip(db, tmp_path, FIXTURES / "canvas-outcomes.csv", csv_canvas.write, "export.csv")


def test_worklinks_moodle_export_imports_back_unchanged(db: Session, tmp_path: Path) -> None:
    """Issue 12: a Moodle CSV exported by Worklink came back as "2 created, 2 deleted"."""
    _round_trip(db, tmp_path, FIXTURES / "moodle-framework-current.csv", csv_moodle.write,
                "export.csv")


def test_an_opensalt_framework_exported_to_moodle_imports_back_onto_the_same_items(
        db: Session, tmp_path: Path) -> None:
    """Moodle has no place for keywords or language, but every item comes back as itself."""
    first = import_file(db, FIXTURES / "opensalt-template.csv")
    framework = db.get(Framework, first.framework_id)
    assert framework is not None
    codes = db.scalars(select(Item.human_coding_scheme).order_by(Item.identifier)).all()
    exported = tmp_path / "export.csv"
    exported.write_bytes(csv_moodle.write(load_package(db, framework.identifier)))
    again = import_file(db, exported)
    assert again.framework_id == first.framework_id
    assert (again.items.created, again.items.deleted) == (0, 0)
    assert db.scalars(select(Item.human_coding_scheme).order_by(Item.identifier)).all() == codes


def test_moodle_items_without_a_code_get_no_uuid_as_code(db: Session) -> None:
    first = import_file(db, FIXTURES / "opensalt-generic-items.csv")
    framework = db.get(Framework, first.framework_id)
    assert framework is not None
    package = load_package(db, framework.identifier)
    for item in package.items:  # as a CASE item without a code comes
        item.human_coding_scheme = None
        item.extra.pop("source_identifier", None)
    again = csv_moodle.read(csv_moodle.write(package))
    assert [item.human_coding_scheme for item in again.items] == [None] * len(package.items)
    assert {item.identifier for item in again.items} == {item.identifier for item in package.items}
