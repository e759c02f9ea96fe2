"""The career pathway a student declares, and changes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from competencies.work.model import CareerInterest
from competencies.work.submissions import WorkRefused
from competencies.work.voice import declare_pathway
from tests.competencies.work.factories import NOW, classwork


def test_a_student_declares_then_updates_then_withdraws_a_pathway(db: Session) -> None:
    student = classwork(db).student()
    declare_pathway(db, student, "Patient Care", "Health Science", NOW)
    declare_pathway(db, student, "Therapeutic Services", None, NOW)
    db.flush()
    interest = db.get(CareerInterest, student)
    assert interest is not None and (interest.pathway, interest.cluster) == (
        "Therapeutic Services", None)
    declare_pathway(db, student, "", None, NOW)
    db.flush()
    assert db.get(CareerInterest, student) is None


def test_a_pathway_too_long_is_refused(db: Session) -> None:
    student = classwork(db).student()
    with pytest.raises(WorkRefused, match="under 200"):
        declare_pathway(db, student, "x" * 201, None, NOW)
    assert db.get(CareerInterest, student) is None
