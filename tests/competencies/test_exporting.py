"""Export from the database: import → export → import again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from competencies.exporting import FrameworkNotFound, load_package
from competencies.formats import case_json, case_schema
from competencies.importing import import_file, import_package
from competencies.models import Evidence, Framework, Item, RaterType
from tests.competencies.formats.case_packages import item_id, small_package


def _tree(db: Session, framework: str) -> list[tuple[Any, ...]]:
    """What a reader of the framework sees: every item with its text, code, type and parent."""
    parent = aliased(Item)
    rows = db.execute(
        select(Item.identifier, Item.full_statement, Item.human_coding_scheme, Item.item_type,
               Item.education_levels, Item.sequence, parent.identifier)
        .join(Framework, Item.framework_id == Framework.id)
        .outerjoin(parent, Item.parent_id == parent.id)
        .where(Framework.identifier == framework, Item.retired.is_(False))
        .order_by(Item.identifier))
    return [tuple(row) for row in rows]


def _round_trip(db: Session, framework: str, schema: Path | None) -> Any:
    document = case_json.write(load_package(db, framework))
    if schema is not None:
        assert case_schema.validate(document, schema) == []
    return import_package(db, case_json.read(json.dumps(document).encode()))


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["ccss-math-sample.json", "SmartLevelFramework.json"])
def test_real_frameworks_survive_export_and_reimport(
        db: Session, shared_data: Path, name: str) -> None:
    first = import_file(db, shared_data / "case" / name)
    before = _tree(db, first.framework_identifier)
    again = _round_trip(db, first.framework_identifier,
                        shared_data / "case" / "schema" / "case-v1p1-cfpackage.json")
    assert again.framework_identifier == first.framework_identifier
    assert (again.items.unchanged, again.items.created, again.items.deleted) == \
        (first.items.created, 0, 0)
    assert again.associations.unchanged == first.associations.created
    assert _tree(db, first.framework_identifier) == before


def test_retired_items_are_not_published(db: Session) -> None:
    import_package(db, case_json.read(json.dumps(small_package()).encode()))
    five = db.scalars(select(Item).where(Item.identifier == item_id(5))).one()
    db.add(Evidence(learner_ref="l1", item_id=five.id, score=1, rater_type=RaterType.SELF))
    package = small_package()
    del package["CFItems"][4], package["CFAssociations"][4]
    import_package(db, case_json.read(json.dumps(package).encode()), allow_removals=True)
    exported = load_package(db, small_package()["CFDocument"]["identifier"])
    assert item_id(5) not in {item.identifier for item in exported.items}
    assert all(item_id(5) not in (a.origin, a.destination) for a in exported.associations)


def test_a_framework_that_is_not_there_is_named_in_the_error(db: Session) -> None:
    with pytest.raises(FrameworkNotFound, match="urn:nothing"):
        load_package(db, "urn:nothing")
