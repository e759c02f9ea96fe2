"""The demo's sample frameworks: Common Core math and O*NET, imported once, credited as their
licences ask."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies import samples, search
from competencies.models import Framework, Item


def test_the_samples_import_once_with_their_credit_lines(db: Session) -> None:
    assert len(samples.import_samples(db)) == 2
    frameworks = {f.identifier: f for f in db.scalars(select(Framework))}
    assert "National Governors Association" in (frameworks[samples.CCSS_MATH].attribution or "")
    assert "O*NET 30.3" in (frameworks[samples.FRAMEWORK_KEYS["onet"]].attribution or "")
    items = db.scalar(select(func.count()).select_from(Item))
    assert samples.import_samples(db) == []
    assert db.scalar(select(func.count()).select_from(Item)) == items


def test_a_ccss_code_and_an_occupation_are_found(db: Session) -> None:
    samples.import_samples(db)
    codes = [hit.code for hit in search.search(db, "CCSS.Math.Content.7.RP").entries]
    assert codes[0] == "CCSS.Math.Content.7.RP" or "CCSS.Math.Content.7.RP.A.3" in codes
    assert any(hit.code == "29-1141.00" for hit in search.search(db, "registered nurses").entries)


@pytest.mark.shared_data
def test_the_samples_are_unchanged_rows_of_the_published_files(shared_data: Path) -> None:
    """Only rows were removed: every shipped item, association and line is in the original."""
    folder = Path(str(resources.files("competencies") / "data" / "samples"))
    full = json.loads((shared_data / "case" / "ccss-math-sample.json").read_text("utf-8"))
    sample = json.loads((folder / "ccss-math-sample.json").read_text("utf-8"))
    assert sample["CFDocument"] == full["CFDocument"]
    assert sample["CFDefinitions"] == full["CFDefinitions"]
    for key in ("CFItems", "CFAssociations"):
        originals = {entry["identifier"]: entry for entry in full[key]}
        assert all(originals[entry["identifier"]] == entry for entry in sample[key])
    # Every item's parent is in the sample too: the tree is whole.
    kept = {item["identifier"] for item in sample["CFItems"]} | {full["CFDocument"]["identifier"]}
    assert all(a["destinationNodeIdentifier"] in kept for a in sample["CFAssociations"])
    for shipped, original in (("onet-task-statements.txt", "task-statements-subset.txt"),
                              ("onet-skills.txt", "skills-subset.txt"),
                              ("onet-occupations.csv", "occupations.csv")):
        lines = (shared_data / "onet" / original).read_text("utf-8")
        shipped_text = (folder / shipped).read_text("utf-8")
        head, *rows = shipped_text.splitlines(keepends=True)
        assert lines.startswith(head) and rows
        assert all(row in lines for row in rows)
