"""A tenant with a course, students, a task with a rubric, a partner and a supervisor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.partners.placements import PlacementDraft, Roster, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from lti_tool.models import User
from tests.competencies.tasks.task_factories import course, deployment, draft, tenant

_serial = itertools.count(1)


@dataclasses.dataclass
class School:
    context: CourseContext
    roster: dict[str, int]
    task_id: int
    partner: Partner
    supervisor: Supervisor

    def student(self, n: int = 0) -> int:
        return sorted(self.roster.values())[n]

    def place(self, db: Session, student: int = 0) -> Placement:
        return create_placement(db, self.context, self.roster, PlacementDraft(
            student_id=self.student(student), partner_id=self.partner.id,
            supervisor_id=self.supervisor.id, task_id=self.task_id,
            starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 1), expected_hours=60))


def student(db: Session, registration_id: int, name: str) -> User:
    n = next(_serial)
    user = User(registration_id=registration_id, sub=f"student-{n}", name=name,
                email=f"{name.split()[0].lower()}{n}@students.example.org")
    db.add(user)
    db.flush()
    return user


def school(db: Session, *, students: int = 3, task_title: str = "Clinic internship",
           language: str = "en") -> School:
    registration = tenant(db)
    context = course(db, deployment(db, registration))
    roster: Roster = {}
    for i in range(students):
        user = student(db, registration.id, f"Student{i} Test")
        assert user.email is not None
        roster[user.email.lower()] = user.id
    task = library.create_task(db, context, draft(title=task_title, employer_scored=True))
    library.use_starter_rubric(db, context, task.id, "employability-skills")
    partner = directory.create_partner(db, context, PartnerDraft(
        name="Bronx Community Clinic", kind=PartnerKind.EMPLOYER, sector="Healthcare",
        pathways=("Patient Care",), clusters=("Healthcare & Human Services",)))
    supervisor = directory.add_supervisor(db, context, partner.id, SupervisorDraft(
        name="Ana Reyes", email="ana.reyes@clinic.example.org", title="Nurse manager",
        language=language))
    return School(context, dict(roster), task.id, partner, supervisor)
