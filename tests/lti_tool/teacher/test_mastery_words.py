"""The mastery pages in words a teacher reads: counts with their plurals, items by their labels,
evidence that says what it refers to, dates as the page's language writes them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from lti_tool.models import Enrollment
from tests.lti_tool.teacher.test_mastery_view import Class2


@pytest.fixture
def one_student(app: Flask, db: Session) -> Class2:
    """Ana alone in the class: one student, two competencies."""
    class2 = Class2(app, db)
    db.execute(delete(Enrollment).where(Enrollment.user_id == class2.ben.id))
    db.commit()
    return class2


def test_the_heatmap_counts_one_student_in_the_singular(client: FlaskClient,
                                                        one_student: Class2) -> None:
    _, page = one_student.get(client, f"/teacher/course/{one_student.course.id}/mastery")
    assert "1 student × 2 competencies;" in page and "1 students" not in page


def test_the_heatmap_counts_in_spanish_plurals(client: FlaskClient, db: Session,
                                               one_student: Class2) -> None:
    one_student.teacher.locale = "es"
    db.commit()
    _, page = one_student.get(client, f"/teacher/course/{one_student.course.id}/mastery")
    assert "1 estudiante × 2 competencias;" in page and "1 estudiantes" not in page
