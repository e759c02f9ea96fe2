"""The placement pages write numbers and dates as the page's language does, and name the task."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from lti_tool.models import User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.placement_factories import bakery_placement


def _in_spanish(db: Session) -> None:
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()


def test_expected_hours_read_as_the_page_writes_numbers(flow: Flow, db: Session) -> None:
    placement = bakery_placement(flow, db, expected_hours=12.0)
    url = f"/teacher/course/{placement.course_id}/placements"
    assert "<td>12</td>" in flow.client.get(url).get_data(as_text=True)
    placement.expected_hours = 4.5
    _in_spanish(db)
    page = flow.client.get(url).get_data(as_text=True)
    assert "<td>4,5</td>" in page and "4.5" not in page
