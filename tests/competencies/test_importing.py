"""Storing framework packages: idempotent, tree-aware, and all-or-nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.formats import case_json
from competencies.importing import ImportRejected, ImportReport, import_file, import_package
from competencies.models import (
    Association,
    Evidence,
    Framework,
    Item,
    MasteryScale,
    RaterType,
    Rubric,
    RubricCriterion,
)
from competencies.package import ScaleLevelRecord
from tests.competencies.formats.case_packages import (
    DOC,
    association_id,
    case_item,
    child_of,
    item_id,
    small_package,
)

TABLES = (Framework, Item, Association, Rubric, MasteryScale)


def _import(db: Session, package: dict[str, Any], **options: Any) -> ImportReport:
    return import_package(db, case_json.read(json.dumps(package).encode()), **options)


def _counts(db: Session) -> dict[str, int]:
    return {table.__tablename__: db.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES}


def _snapshot(db: Session) -> list[tuple[Any, ...]]:
    rows = db.execute(select(Item.identifier, Item.full_statement, Item.parent_id, Item.depth,
                             Item.path, Item.sequence, Item.retired).order_by(Item.identifier))
    return [tuple(row) for row in rows]


def _item(db: Session, n: int) -> Item:
    return db.scalars(select(Item).where(Item.identifier == item_id(n))).one()


def test_first_import_creates_the_tree_with_parents_depths_paths_and_order(db: Session) -> None:
    report = _import(db, small_package())
    assert (report.framework, report.items.created, report.associations.created) == \
        ("created", 5, 5)
    one, three, five = _item(db, 1), _item(db, 3), _item(db, 5)
    assert (one.parent_id, one.depth, one.path) == (None, 0, "/")
    assert (three.parent_id, three.depth, three.path) == (one.id, 1, f"/{one.id}/")
    assert (five.depth, five.path) == (2, f"/{one.id}/{three.id}/")
    level = db.scalars(select(Item.identifier).where(
        Item.framework_id == report.framework_id, Item.parent_id == one.id)
        .order_by(Item.sequence)).all()
    assert level == [item_id(3), item_id(4)]
    subtree = db.scalars(select(Item.identifier).where(
        Item.path.startswith(one.subtree_prefix)).order_by(Item.identifier)).all()
    assert subtree == [item_id(3), item_id(4), item_id(5)]


def test_importing_the_same_package_again_changes_nothing(db: Session) -> None:
    _import(db, small_package())
    before = _snapshot(db)
    report = _import(db, small_package())
    assert (report.framework, report.items.unchanged, report.items.created,
            report.items.updated) == ("unchanged", 5, 0, 0)
    assert report.associations.unchanged == 5
    assert _snapshot(db) == before
    assert _counts(db)["item"] == 5


def test_a_changed_statement_updates_that_item_only(db: Session) -> None:
    _import(db, small_package())
    package = small_package()
    package["CFItems"][3] = case_item(4, "Reworded", lastChangeDateTime="2025-02-02T00:00:00Z")
    report = _import(db, package)
    assert (report.items.updated, report.items.unchanged) == (1, 4)
    assert _item(db, 4).full_statement == "Reworded"


def test_moving_an_item_moves_its_subtree_paths(db: Session) -> None:
    _import(db, small_package())
    package = small_package()
    package["CFAssociations"][2] = child_of(3, item_id(3), item_id(2), 1)  # 3 (and 5) under 2
    report = _import(db, package)
    two, three, five = _item(db, 2), _item(db, 3), _item(db, 5)
    assert report.items.updated == 2  # item 3's parent and item 5's path
    assert (three.parent_id, five.path) == (two.id, f"/{two.id}/{three.id}/")


def test_an_item_dropped_by_the_source_is_deleted(db: Session) -> None:
    _import(db, small_package())
    package = small_package()
    del package["CFItems"][4], package["CFAssociations"][4]
    report = _import(db, package, allow_removals=True)
    assert (report.items.deleted, report.associations.deleted) == (1, 1)
    assert _counts(db)["item"] == 4


def test_an_item_with_evidence_is_retired_not_deleted_and_comes_back(db: Session) -> None:
    _import(db, small_package())
    db.add(Evidence(learner_ref="learner-1", item_id=_item(db, 5).id, score=3,
                    rater_type=RaterType.EMPLOYER))
    db.flush()
    package = small_package()
    del package["CFItems"][4], package["CFAssociations"][4]
    report = _import(db, package, allow_removals=True)
    five = _item(db, 5)
    assert (report.items.retired, report.items.deleted) == (1, 0)
    assert five.retired and five.retired_at is not None
    assert _import(db, package, allow_removals=True).items.retired == 0  # already retired: nothing to do
    report = _import(db, small_package())
    assert report.items.updated == 1 and not _item(db, 5).retired


def test_an_item_another_framework_points_to_is_retired(db: Session) -> None:
    _import(db, small_package())
    other = {
        "CFDocument": {"identifier": "5e5e5e5e-0000-4000-8000-000000000000", "uri": "u",
                       "creator": "c", "title": "Crosswalk",
                       "lastChangeDateTime": "2024-01-01T00:00:00Z"},
        "CFItems": [case_item(50)],
        "CFAssociations": [child_of(50, item_id(50), item_id(4), kind="exactMatchOf")],
    }
    crosswalk = _import(db, other)
    assert crosswalk.deviations == []
    stored = db.scalars(select(Association).where(
        Association.identifier == association_id(50))).one()
    assert (stored.destination_item_id, stored.destination_framework) == (_item(db, 4).id, DOC)
    package = small_package()
    del package["CFItems"][3], package["CFAssociations"][3]
    assert _import(db, package, allow_removals=True).items.retired == 1


def test_a_crosswalk_to_a_framework_imported_later_is_resolved_then(db: Session) -> None:
    other = {
        "CFDocument": {"identifier": "5e5e5e5e-0000-4000-8000-000000000000", "uri": "u",
                       "creator": "c", "title": "Crosswalk",
                       "lastChangeDateTime": "2024-01-01T00:00:00Z"},
        "CFItems": [case_item(50)],
        "CFAssociations": [child_of(50, item_id(50), item_id(4), kind="exactMatchOf")],
    }
    report = _import(db, other)
    assert [d.where for d in report.deviations] == ["CFAssociations[0]"]
    assert "neither this framework nor any imported one" in report.deviations[0].message
    _import(db, small_package())
    stored = db.scalars(select(Association).where(
        Association.identifier == association_id(50))).one()
    db.refresh(stored)
    assert stored.destination_item_id == _item(db, 4).id


@pytest.mark.parametrize("breakage", ["cycle", "duplicate", "identifier taken"])
def test_fatal_problems_reject_the_import_and_leave_the_database_as_it_was(
        db: Session, breakage: str) -> None:
    _import(db, small_package())
    if breakage == "identifier taken":
        _import(db, {"CFDocument": {"identifier": "5e5e5e5e-0000-4000-8000-000000000000",
                                    "uri": "u", "creator": "c", "title": "Other",
                                    "lastChangeDateTime": "2024-01-01T00:00:00Z"},
                     "CFItems": [case_item(77)]})
    before, snapshot = _counts(db), _snapshot(db)
    package = small_package()
    package["CFItems"][1]["fullStatement"] = "Changed, so a partial write would show"
    if breakage == "cycle":  # 1 → 3 → 5 → 1
        package["CFAssociations"][0] = child_of(1, item_id(1), item_id(5))
        expected = ("CFAssociations[", "isChildOf cycle")
    elif breakage == "duplicate":
        package["CFItems"].append(case_item(3, "Another statement"))
        expected = ("CFItems[5]", "duplicate item identifier")
    else:
        package["CFItems"].append(case_item(77))
        expected = ("CFItems[5]", "already belongs to framework")
    with pytest.raises(ImportRejected) as rejected:
        _import(db, package)
    fatal = rejected.value.report.fatal
    assert fatal and fatal[0].where.startswith(expected[0]) and expected[1] in fatal[0].message
    assert _counts(db) == before and _snapshot(db) == snapshot
    assert _item(db, 2).full_statement == "Statement 2"


def test_a_cycle_report_names_every_item_in_it(db: Session) -> None:
    package = small_package()
    package["CFAssociations"][0] = child_of(1, item_id(1), item_id(5))
    with pytest.raises(ImportRejected) as rejected:
        _import(db, package)
    [cycle] = rejected.value.report.fatal
    assert all(item_id(n) in cycle.message for n in (1, 3, 5))
    assert _counts(db)["framework"] == 0


def test_an_identical_repeated_item_is_skipped_with_a_deviation(db: Session) -> None:
    package = small_package()
    package["CFItems"].append(copy.deepcopy(package["CFItems"][0]))
    report = _import(db, package)
    assert (report.items.created, report.items.skipped) == (5, 1)
    assert [d.where for d in report.deviations] == ["CFItems[5]"]


def test_rubrics_and_their_alignment_are_stored_and_updated(db: Session) -> None:
    package = small_package()
    package["CFRubrics"] = [{
        "identifier": "7d6c5b4a-0000-4000-8000-000000000001", "uri": "https://case.test/r",
        "title": "Safety", "lastChangeDateTime": "2024-01-01T00:00:00Z",
        "CFRubricCriteria": [{
            "identifier": "7d6c5b4a-0000-4000-8000-000000000002", "uri": "https://case.test/c",
            "lastChangeDateTime": "2024-01-01T00:00:00Z", "weight": 2, "position": 1,
            "CFItemURI": {"title": "T.3", "identifier": item_id(3), "uri": "https://case.test"},
            "CFRubricCriterionLevels": [
                {"identifier": "7d6c5b4a-0000-4000-8000-000000000003", "uri": "https://x",
                 "lastChangeDateTime": "2024-01-01T00:00:00Z", "score": 3, "quality": "Meets"}],
        }],
    }]
    assert _import(db, package).rubrics.created == 1
    criterion = db.scalars(select(RubricCriterion)).one()
    assert [item.identifier for item in criterion.items] == [item_id(3)]
    assert _import(db, package).rubrics.unchanged == 1
    package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][0]["score"] = 4
    assert _import(db, package).rubrics.updated == 1
    assert criterion.levels[0].score == 4


def test_progress_is_reported_by_stage(db: Session) -> None:
    stages: list[str] = []
    import_package(db, case_json.read(json.dumps(small_package()).encode()),
                   on_progress=lambda stage, done, total: stages.append(stage))
    assert stages[0] == "check" and stages[-1] == "done" and "items" in stages


def test_import_file_dispatches_by_extension_and_rejects_unreadable_files(
        db: Session, tmp_path: Path) -> None:
    good = tmp_path / "framework.json"
    good.write_text(json.dumps(small_package()))
    assert import_file(db, good).items.created == 5
    before = _counts(db)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(small_package())[:300])
    with pytest.raises(ImportRejected) as rejected:
        import_file(db, broken)
    assert rejected.value.report.fatal[0].where.startswith("line 1, column")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"CFDocument": {"identifier": "x"}, "CFItems": {"not": "a list"}}')
    with pytest.raises(ImportRejected) as rejected:
        import_file(db, wrong)
    assert [(d.where, d.fatal) for d in rejected.value.report.fatal] == [("CFItems", True)]
    unknown = tmp_path / "framework.bin"
    unknown.write_bytes(b"\0")
    with pytest.raises(LookupError, match="no reader for .bin"):
        import_file(db, unknown)
    with pytest.raises(ImportRejected, match="over the limit"):
        import_file(db, good, max_bytes=100)
    assert _counts(db) == before


def test_an_association_identifier_held_by_another_framework_rejects_the_import(
        db: Session) -> None:
    _import(db, small_package())
    before = _counts(db)
    other = {
        "CFDocument": {"identifier": "5e5e5e5e-0000-4000-8000-000000000000", "uri": "u",
                       "creator": "c", "title": "Other",
                       "lastChangeDateTime": "2024-01-01T00:00:00Z"},
        "CFItems": [case_item(60)],
        "CFAssociations": [child_of(3, item_id(60), "5e5e5e5e-0000-4000-8000-000000000000")],
    }
    with pytest.raises(ImportRejected) as rejected:
        _import(db, other)
    [fatal] = rejected.value.report.fatal
    assert fatal.where == "CFAssociations[0]" and "already belongs to framework" in fatal.message
    assert _counts(db) == before


def test_a_mastery_scale_travels_with_its_framework(db: Session) -> None:
    package = case_json.read(json.dumps(small_package()).encode())
    package.scale = [ScaleLevelRecord("Exceeds", 4, True, "#0B874B"),
                     ScaleLevelRecord("Meets", 3, True, "red"),
                     ScaleLevelRecord("Below", 1)]
    report = import_package(db, package)
    assert [(d.where, d.fatal) for d in report.deviations] == [("scale[1].color", False)]
    scale = db.scalars(select(MasteryScale)).one()
    assert [(lv.label, lv.points, lv.proficient, lv.color) for lv in scale.levels] == [
        ("Exceeds", 4.0, True, "0b874b"), ("Meets", 3.0, True, None), ("Below", 1.0, False, None)]
    package.scale = package.scale[:1]
    import_package(db, package)
    db.refresh(scale)
    assert [lv.label for lv in scale.levels] == ["Exceeds"]


def test_a_file_far_over_the_default_limit_is_refused_unread(db: Session, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:  # sparse: 1 GB on paper, nothing on disk
        file.truncate(1024 ** 3)
    with pytest.raises(ImportRejected) as rejected:
        import_file(db, huge)
    assert "1,073,741,824 bytes is over the limit of 209,715,200" in str(rejected.value)
    assert _counts(db)["framework"] == 0


def test_a_dropped_item_is_removed_even_when_a_new_item_joins_its_level(db: Session) -> None:
    _import(db, small_package())
    package = small_package()
    package["CFItems"][4] = case_item(6)  # 5 goes, 6 comes, both under item 3
    package["CFAssociations"][4] = child_of(6, item_id(6), item_id(3), 1)
    report = _import(db, package, allow_removals=True)
    assert (report.items.created, report.items.deleted) == (1, 1)
    assert db.scalar(select(func.count()).where(Item.identifier == item_id(5))) == 0


def test_an_association_kept_for_a_dropped_item_is_reported_as_pointing_nowhere(
        db: Session) -> None:
    _import(db, small_package())
    package = small_package()
    del package["CFItems"][4]  # item 5 goes; its isChildOf stays in the package
    report = _import(db, package, allow_removals=True)
    assert report.items.deleted == 1
    assert [d.where for d in report.deviations] == ["CFAssociations[4]"]
    assert "in neither this framework nor any imported one" in report.deviations[0].message


def test_the_summary_groups_deviations_by_kind_with_a_count_and_an_example(db: Session) -> None:
    package = small_package()
    for item in package["CFItems"]:
        item["lastChangeDateTime"] = "2024-01-01T00:00:00"
    lines = _import(db, package).summary()
    assert lines[:2] == [f"framework {DOC!r}: created", "items: 5 created"]
    assert ("CFItems[].lastChangeDateTime ×5, e.g. CFItems[0].lastChangeDateTime: "
            "date-time without a time zone; read as UTC") in lines


def test_the_same_file_again_is_recognised_without_reading_it(db: Session, tmp_path: Path) -> None:
    source = tmp_path / "framework.json"
    source.write_text(json.dumps(small_package()))
    first = import_file(db, source)
    assert first.items.created == 5 and first.same_file_as is None
    again = import_file(db, source)
    assert again.framework == "unchanged" and again.same_file_as is not None
    assert again.items.unchanged == 5 and again.items.created == again.items.updated == 0
    assert "not read again" in "\n".join(again.summary())


def test_a_changed_file_or_a_package_import_in_between_is_read_in_full(
        db: Session, tmp_path: Path) -> None:
    source = tmp_path / "framework.json"
    source.write_text(json.dumps(small_package()))
    import_file(db, source)
    # The same content through another route (a CASE provider's API): the file no longer
    # describes what is stored, so the next file import must read it.
    _import(db, small_package())
    assert import_file(db, source).same_file_as is None
    changed = small_package()
    changed["CFItems"][0]["fullStatement"] = "A reworded statement."
    source.write_text(json.dumps(changed))
    report = import_file(db, source)
    assert report.same_file_as is None and report.items.updated == 1
