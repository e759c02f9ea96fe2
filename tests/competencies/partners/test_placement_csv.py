"""A class placed from a CSV: all or nothing, and a report that says where each problem is."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.partners.model import Placement, Supervisor
from competencies.partners.placement_csv import import_placements
from tests.competencies.partners.factories import School, school

HEADER = "student,partner,supervisor_email,task,start_date,end_date,expected_hours\n"


def _emails(s: School) -> list[str]:
    return sorted(s.roster)


def _placements(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Placement)) or 0


def test_a_class_is_placed_from_a_csv(db: Session) -> None:
    s = school(db)
    a, b, c = _emails(s)
    text = (HEADER
            + f"{a},Bronx Community Clinic,ana.reyes@clinic.example.org,Clinic internship,"
              "2026-09-01,2026-12-01,60\n"
            + f"{b.upper()},bronx community clinic,ANA.REYES@clinic.example.org,clinic internship,"
              "9/1/2026,12/1/2026,\n")
    report = import_placements(db, s.context, s.roster, text)
    assert report.ok, report.problems
    assert len(report.created) == 2 and _placements(db) == 2
    assert {p.student_id for p in report.created} == {s.roster[a], s.roster[b]}


def test_missing_columns_are_named_and_nothing_is_stored(db: Session) -> None:
    s = school(db)
    report = import_placements(db, s.context, s.roster, "student,partner,task\nx,y,z\n")
    assert [str(p) for p in report.problems] == [
        "line 1: Missing columns: supervisor_email, start_date, end_date. Required: student, "
        "partner, supervisor_email, task, start_date, end_date."]
    assert _placements(db) == 0


def test_unknown_students_and_duplicate_rows_are_located_and_nothing_is_stored(
        db: Session) -> None:
    s = school(db)
    a, b, _ = _emails(s)
    row = ",Bronx Community Clinic,ana.reyes@clinic.example.org,Clinic internship,2026-09-01,2026-12-01,\n"
    text = HEADER + a + row + "nobody@students.example.org" + row + a + row + b + row.replace(
        "2026-12-01", "2026-13-45")
    report = import_placements(db, s.context, s.roster, text)
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "student"), (4, None), (5, "end_date")]
    assert "No student “nobody@students.example.org”" in str(report.problems[0].message)
    assert "Duplicate of line 2" in str(report.problems[1].message)
    assert "is not a date" in str(report.problems[2].message)
    assert _placements(db) == 0


def test_a_row_already_placed_before_is_a_duplicate(db: Session) -> None:
    s = school(db)
    s.place(db, 0)
    a = _emails(s)[0] if s.roster[_emails(s)[0]] == s.student(0) else next(
        e for e, i in s.roster.items() if i == s.student(0))
    text = HEADER + (f"{a},Bronx Community Clinic,ana.reyes@clinic.example.org,"
                     "Clinic internship,2026-09-01,2026-12-01,\n")
    report = import_placements(db, s.context, s.roster, text)
    assert [(p.line, str(p.message)) for p in report.problems] == [
        (2, "This student is already placed with this partner for this task.")]
    assert _placements(db) == 1


def test_an_unknown_supervisor_is_added_when_named_and_refused_when_not(db: Session) -> None:
    s = school(db)
    a, b, _ = _emails(s)
    header = "student,partner,supervisor_email,supervisor_name,task,start_date,end_date\n"
    bad = header + f"{a},Bronx Community Clinic,luis@clinic.example.org,,Clinic internship,2026-09-01,2026-12-01\n"
    report = import_placements(db, s.context, s.roster, bad)
    assert [(p.line, p.column) for p in report.problems] == [(2, "supervisor_email")]
    assert db.scalar(select(func.count()).select_from(Supervisor)) == 1
    good = header + "\n".join(
        f"{e},Bronx Community Clinic,luis@clinic.example.org,Luis Ortiz,Clinic internship,"
        "2026-09-01,2026-12-01" for e in (a, b)) + "\n"
    report = import_placements(db, s.context, s.roster, good)
    assert report.ok and report.supervisors_added == 1
    assert len({p.supervisor_id for p in report.created}) == 1


def test_a_malformed_email_and_an_unknown_partner_are_located(db: Session) -> None:
    s = school(db)
    a = _emails(s)[0]
    text = HEADER + (f"{a},Nowhere Inc,not-an-email,Clinic internship,2026-09-01,2026-12-01,\n"
                     f"{a},Bronx Community Clinic,not-an-email,Clinic internship,2026-09-01,"
                     "2026-12-01,abc\n")
    report = import_placements(db, s.context, s.roster, text)
    assert [(p.line, p.column) for p in report.problems] == [
        (2, "partner"), (3, "expected_hours"), (3, "supervisor_email")]
    assert _placements(db) == 0
