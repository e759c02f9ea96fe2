"""The demo's sample frameworks: Common Core math and O*NET, imported once, credited as their
licences ask."""

from __future__ import annotations

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
