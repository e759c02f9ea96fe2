"""A placement as the QA pass met it: Amani Okafor at Sunrise Bakery, rated by Rosa Martínez."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.tasks import library
from lti_tool.models import User
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context


def bakery_placement(flow: Flow, db: Session, *, expected_hours: float | None = None) -> Placement:
    """Amani placed at Sunrise Bakery for a task with a rubric; the teacher signed in."""
    flow.launch(role="Learner", sub="student-1", name="Amani Okafor",
                email="amani@students.example.org")
    flow.launch(role="Instructor")
    context = course_context(db)
    task = library.create_task(db, context, draft(title="Bakery internship",
                                                  employer_scored=True))
    library.use_starter_rubric(db, context, task.id, "employability-skills")
    partner = directory.create_partner(db, context, PartnerDraft(
        name="Sunrise Bakery", kind=PartnerKind.EMPLOYER, sector="Food"))
    supervisor = directory.add_supervisor(db, context, partner.id, SupervisorDraft(
        name="Rosa Martínez", email="rosa@bakery.example.org"))
    student = db.scalar(select(User.id).where(User.sub == "student-1"))
    assert student is not None
    return create_placement(db, context, {"amani@students.example.org": student}, PlacementDraft(
        student_id=student, partner_id=partner.id, supervisor_id=supervisor.id, task_id=task.id,
        starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 20),
        expected_hours=expected_hours))
