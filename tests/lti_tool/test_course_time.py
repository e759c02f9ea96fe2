"""Dates are typed and shown in the course's time zone, stored in UTC, shown with their zone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from lti_tool.course_time import format_moment
from lti_tool.models import Course
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf


def _post_zone(flow: Flow, course: int, zone: str) -> tuple[int, str]:
    home = f"/teacher/course/{course}"
    answer = flow.client.post(home + "/time-zone", data={"csrf_token": _csrf(flow, home),
                                                        "time_zone": zone})
    return answer.status_code, answer.get_data(as_text=True)


def _set_zone(flow: Flow, course: int, zone: str) -> int:
    return _post_zone(flow, course, zone)[0]


def test_a_5_pm_pacific_deadline_is_stored_as_1_am_utc_and_shown_as_5_pm_pst(
        flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    assert _set_zone(flow, course, "America/Los_Angeles") == 303
    task_id = _create(flow, course, due_at="2026-12-10T17:00")
    db.expire_all()
    task = db.get(Task, task_id)
    assert task is not None and task.due_at == dt.datetime(2026, 12, 11, 1, 0, tzinfo=dt.UTC)
    preview = flow.client.get(f"/teacher/course/{course}/tasks/{task_id}/preview/student")
    # CLDR puts a narrow no-break space before “PM”.
    assert "Dec 10, 2026, 5:00\u202fPM PST" in preview.get_data(as_text=True)
    form = flow.client.get(f"/teacher/course/{course}/tasks/{task_id}").get_data(as_text=True)
    assert 'name="due_at" type="datetime-local" aria-describedby="time-zone-hint" value="2026-12-10T17:00"' in form
    assert "America/Los_Angeles" in form


def test_a_course_without_a_zone_takes_the_teachers_browser_zone(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course, due_at="2026-12-10T17:00",
                      browser_time_zone="America/New_York")
    db.expire_all()
    assert db.get(Course, course).time_zone == "America/New_York"  # type: ignore[union-attr]
    task = db.get(Task, task_id)
    assert task is not None and task.due_at == dt.datetime(2026, 12, 10, 22, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("typed", "message"), [
    ("Mars/Olympus_Mons", "“Mars/Olympus_Mons” is not a time zone Worklink knows; choose one "
                          "from the list, such as America/Los_Angeles."),
    ("america/los angeles", "“america/los angeles” is not a time zone Worklink knows"),
    ("  ", "Type or choose a time zone, such as America/Los_Angeles."),
])
def test_a_refused_zone_comes_back_on_the_course_home_as_typed(flow: Flow, db: Session,
                                                                typed: str, message: str) -> None:
    """Not a generic error page: the form again, the zone as typed, the message linked to it."""
    flow.launch(role="Instructor")
    course = _course_id(db)
    assert _set_zone(flow, course, "America/Chicago") == 303

    status, body = _post_zone(flow, course, typed)

    assert status == 422
    page = lxml.html.fromstring(body)
    [problem] = page.xpath("//*[@id='problems']//a[@href='#time_zone']")
    assert message in problem.text_content()
    field = page.get_element_by_id("time_zone")
    assert (field.get("value"), field.get("aria-invalid")) == (typed, "true")
    assert "Due dates are typed and shown in America/Chicago." in body  # what is stored
    db.expire_all()
    assert db.get(Course, course).time_zone == "America/Chicago"  # type: ignore[union-attr]


def test_a_zone_sent_from_an_expired_form_comes_back_as_typed(flow: Flow, db: Session) -> None:
    """The teacher launched Worklink again in another tab, then saved the zone on the older
    page: its form token names the session before."""
    flow.launch(role="Instructor")
    course = _course_id(db)
    home = f"/teacher/course/{course}"
    stale = _csrf(flow, home)
    flow.launch(role="Instructor")

    answer = flow.client.post(home + "/time-zone", data={"csrf_token": stale,
                                                        "time_zone": "America/Denver"})

    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "This form had expired" in body
    assert lxml.html.fromstring(body).get_element_by_id("time_zone").get("value") == \
        "America/Denver"
    db.expire_all()
    assert db.get(Course, course).time_zone is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("locale", "said"), [
    ("en", "Time zone saved: due dates are typed and shown in America/Denver."),
    ("es", "Zona horaria guardada: las fechas de entrega se escriben y se muestran en "
           "America/Denver."),
])
def test_a_saved_zone_is_said_on_the_course_home(flow: Flow, db: Session, locale: str,
                                                 said: str) -> None:
    flow.launch(role="Instructor", locale=locale)
    course = _course_id(db)
    home = f"/teacher/course/{course}"
    answer = flow.client.post(home + "/time-zone", data={"csrf_token": _csrf(flow, home),
                                                        "time_zone": "America/Denver"})
    assert answer.status_code == 303

    page = lxml.html.fromstring(flow.client.get(answer.headers["Location"]).get_data(
        as_text=True))

    assert [" ".join(n.text_content().split()) for n in page.xpath("//*[@role='status']")] == [
        said]
    again = lxml.html.fromstring(flow.client.get(home).get_data(as_text=True))
    assert again.xpath("//*[@role='status']") == []  # said once, after saving


def test_a_refused_zone_is_explained_in_spanish(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", locale="es")
    status, body = _post_zone(flow, _course_id(db), "")
    assert status == 422
    assert "Escribe o elige una zona horaria, como America/Los_Angeles." in body


def test_the_platform_zone_comes_from_a_teacher_launch_only(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", lti_custom={"time_zone": "America/Chicago"})
    flow.launch(role="Learner", lti_custom={"time_zone": "Asia/Tokyo"})
    course = db.get(Course, _course_id(db))
    assert course is not None and course.platform_time_zone == "America/Chicago"


def test_spanish_names_the_zone_in_words() -> None:
    moment = dt.datetime(2026, 12, 11, 1, 0, tzinfo=dt.UTC)
    text = format_moment(moment, ZoneInfo("America/Los_Angeles"), "es")
    assert re.match(r"10 dic 2026, 17:00 \(hora estándar del Pacífico\)", text), text
    assert format_moment(moment, ZoneInfo("America/Los_Angeles"), "en") == "Dec 10, 2026, 5:00\u202fPM PST"
