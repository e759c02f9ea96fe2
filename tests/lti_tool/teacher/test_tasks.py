"""The teacher's task pages, driven through a real LTI launch."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.formats import onet
from competencies.importing import import_package
from competencies.models import Item
from competencies.tasks import library, versions
from competencies.tasks.model import Task, TaskVersion
from lti_tool.models import Course, Deployment, User
from lti_tool.task_view import task_view
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow

FORM = {"title": "Clinic job shadow", "stage": "exploration", "experience_type": "job_shadow",
        "description": "<p>Shadow a nurse.</p>", "pathway": "Patient Care",
        "expected_hours": "4", "scope": "course", "asked_artifacts": ["reflection", "hours_log"]}


def _course_id(db: Session, context_id: str = "course-7") -> int:
    course = db.scalar(select(Course).where(Course.context_id == context_id))
    assert course is not None
    return course.id


def _csrf(flow: Flow, url: str) -> str:
    page = flow.client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None
    return token.group(1)


def _create(flow: Flow, course_id: int, **fields: object) -> int:
    base = f"/teacher/course/{course_id}/tasks"
    response = flow.client.post(base + "/new", data={**FORM, **fields,
                                                     "csrf_token": _csrf(flow, base + "/new")})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/tasks/(\d+)", response.headers["Location"])
    assert found is not None
    return int(found.group(1))


@pytest.fixture
def teacher(flow: Flow, db: Session) -> int:
    flow.launch(role="Instructor")
    return _course_id(db)


def test_a_teacher_creates_a_task_and_finds_it_in_the_library(flow: Flow, teacher: int) -> None:
    _create(flow, teacher)
    page = flow.client.get(f"/teacher/course/{teacher}/tasks", query_string={"q": "shadow"})
    assert page.status_code == 200 and b"Clinic job shadow" in page.data


def test_the_same_form_sent_twice_creates_one_task(flow: Flow, teacher: int, db: Session) -> None:
    """A double click, or a reload that re-posts the form."""
    base = f"/teacher/course/{teacher}/tasks"
    form = {**FORM, "title": "Sent twice", "csrf_token": _csrf(flow, base + "/new")}
    first = flow.client.post(base + "/new", data=form)
    second = flow.client.post(base + "/new", data=form)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]  # to what the first one made
    assert len(db.scalars(select(Task).where(Task.title == "Sent twice")).all()) == 1


def test_a_refused_form_may_be_sent_again_once_corrected(flow: Flow, teacher: int, db: Session) -> None:
    base = f"/teacher/course/{teacher}/tasks"
    token = _csrf(flow, base + "/new")
    refused = flow.client.post(base + "/new", data={**FORM, "title": "", "csrf_token": token})
    assert refused.status_code == 422
    fixed = flow.client.post(base + "/new", data={**FORM, "title": "Fixed", "csrf_token": token})
    assert fixed.status_code == 302
    assert len(db.scalars(select(Task).where(Task.title == "Fixed")).all()) == 1


def _ticked(page: str) -> list[str]:
    """The kinds of artifact ticked on a task form page."""
    return [box.get("value") for box in lxml.html.fromstring(page).xpath(
        "//input[@type='checkbox'][@name='asked_artifacts']") if box.checked]


def test_the_artifacts_to_hand_in_are_stored_and_shown_ticked(flow: Flow, teacher: int,
                                                               db: Session) -> None:
    task_id = _create(flow, teacher, asked_artifacts=["links", "hours_log"])
    task = db.get(Task, task_id)
    assert task is not None and task.asked_artifacts == ["links", "hours_log"]
    url = f"/teacher/course/{teacher}/tasks/{task_id}"
    assert _ticked(flow.client.get(url).get_data(as_text=True)) == ["links", "hours_log"]
    refused = flow.client.post(url, data={**FORM, "title": "", "csrf_token": _csrf(flow, url),
                                          "asked_artifacts": ["files", "reflection"]})
    assert refused.status_code == 422
    assert _ticked(refused.get_data(as_text=True)) == ["files", "reflection"]


def test_a_form_loaded_before_the_field_was_renamed_keeps_its_artifacts(
        flow: Flow, teacher: int, db: Session) -> None:
    """Open in a tab while Worklink was updated, it names its boxes "evidence"."""
    task_id = _create(flow, teacher, asked_artifacts=[], evidence=["links", "supervisor_sign_off"])
    task = db.get(Task, task_id)
    assert task is not None and task.asked_artifacts == ["links", "supervisor_sign_off"]


def test_a_student_gets_403_on_every_task_page(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course_id = _course_id(db)
    task_id = _create(flow, course_id)
    flow.launch(role="Learner")
    base = f"/teacher/course/{course_id}/tasks"
    for url in (base, base + "/new", f"{base}/{task_id}", f"{base}/{task_id}/rubric",
                f"{base}/{task_id}/alignments", f"{base}/{task_id}/preview/student"):
        assert flow.client.get(url).status_code == 403, url
    assert flow.client.post(f"{base}/{task_id}/copy").status_code == 403


def test_script_and_onerror_in_a_description_are_stripped(flow: Flow, teacher: int,
                                                          db: Session) -> None:
    task_id = _create(flow, teacher, description='<p>Go<script>alert(1)</script>'
                                                '<img src=x onerror="alert(2)"></p>')
    task = db.get(Task, task_id)
    assert task is not None and task.description_html == "<p>Go</p>"
    preview = flow.client.get(f"/teacher/course/{teacher}/tasks/{task_id}/preview/student")
    assert b"<script>alert" not in preview.data and b"onerror" not in preview.data


def test_a_teacher_of_course_a_cannot_see_or_edit_a_course_b_task(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", lti_context={"id": "course-b", "title": "Course B"})
    course_b = _course_id(db, "course-b")
    task_b = _create(flow, course_b, title="B's private task")
    flow.launch(role="Instructor")
    course_a = _course_id(db)
    token = _csrf(flow, f"/teacher/course/{course_a}/tasks/new")
    own_url = f"/teacher/course/{course_a}/tasks/{task_b}"
    assert flow.client.get(own_url).status_code == 404
    assert flow.client.post(own_url, data={**FORM, "title": "Taken", "csrf_token": token}
                            ).status_code == 404
    assert flow.client.post(own_url + "/copy", data={"csrf_token": token}).status_code == 404
    assert flow.client.get(f"/teacher/course/{course_b}/tasks/{task_b}").status_code == 403
    library_page = flow.client.get(f"/teacher/course/{course_a}/tasks")
    assert b"private task" not in library_page.data
    db.expire_all()
    assert db.get(Task, task_b).title == "B's private task"  # type: ignore[union-attr]


def test_a_district_task_is_read_only_elsewhere_and_can_be_copied(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", lti_context={"id": "course-b", "title": "Course B"})
    task_b = _create(flow, _course_id(db, "course-b"), title="District tour", scope="deployment")
    flow.launch(role="Instructor")
    course_a = _course_id(db)
    page = flow.client.get(f"/teacher/course/{course_a}/tasks/{task_b}")
    assert page.status_code == 200 and b"shared by your school or district" in page.data
    token = _csrf(flow, f"/teacher/course/{course_a}/tasks/{task_b}")
    edit = flow.client.post(f"/teacher/course/{course_a}/tasks/{task_b}",
                            data={**FORM, "csrf_token": token})
    assert edit.status_code == 403 and b"copy it" in edit.data
    copied = flow.client.post(f"/teacher/course/{course_a}/tasks/{task_b}/copy",
                              data={"csrf_token": token})
    assert copied.status_code == 302
    copy = db.scalar(select(Task).where(Task.copied_from_id == task_b))
    assert copy is not None and copy.course_id == course_a and copy.title == "District tour (copy)"


def test_a_form_without_the_csrf_token_is_refused(flow: Flow, teacher: int, db: Session) -> None:
    """Another site's post meets the refusal page; from Worklink's own page the form comes back
    as sent, to send again. Nothing is saved either way."""
    url = f"/teacher/course/{teacher}/tasks/new"
    response = flow.client.post(url, data=FORM, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and b"This form has expired" in response.data
    ours = flow.client.post(url, data=FORM, headers={"Sec-Fetch-Site": "same-origin"})
    assert ours.status_code == 422 and b"This form had expired" in ours.data
    assert db.scalar(select(Task).where(Task.course_id == teacher)) is None


def test_bad_input_is_explained_and_changes_nothing(flow: Flow, teacher: int, db: Session) -> None:
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}"
    response = flow.client.post(url, data={**FORM, "title": "", "stage": "retired",
                                           "csrf_token": _csrf(flow, url)})
    assert response.status_code == 422
    assert "Give the task a title." in response.get_data(as_text=True)
    assert "“retired” is not a continuum stage." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Task, task_id).title == "Clinic job shadow"  # type: ignore[union-attr]


def _rubric_form(token: str, top: str = "4") -> dict[str, str]:
    return {"csrf_token": token, "title": "Shadow rubric",
            "c0-name": "Communication", "c0-weight": "2",
            "c0-l0-label": "Beginning", "c0-l0-points": "1",
            "c0-l1-label": "Proficient", "c0-l1-points": "3",
            "c0-l2-label": "Advanced", "c0-l2-points": top,
            "c1-name": "Safety", "c1-weight": "1",
            "c1-l0-label": "Not yet", "c1-l0-points": "0",
            "c1-l1-label": "Meets", "c1-l1-points": "2"}


def test_the_rubric_builder_shows_the_maximum_score(flow: Flow, teacher: int) -> None:
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/rubric"
    saved = flow.client.post(url, data=_rubric_form(_csrf(flow, url)))
    assert saved.status_code == 302
    page = flow.client.get(url).get_data(as_text=True)
    assert "Maximum score: 10" in page  # 4 × 2 + 2
    employer = flow.client.get(f"/teacher/course/{teacher}/tasks/{task_id}/preview/employer")
    student = flow.client.get(f"/teacher/course/{teacher}/tasks/{task_id}/preview/student")
    assert b'type="radio"' in employer.data and b"Up to 10 points" not in employer.data
    assert b"Up to 10 points" in student.data and b'type="radio"' not in student.data


def test_an_unsound_rubric_is_refused_with_the_reason(flow: Flow, teacher: int,
                                                      db: Session) -> None:
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/rubric"
    response = flow.client.post(url, data=_rubric_form(_csrf(flow, url), top="lots"))
    assert response.status_code == 422
    assert "must be a number, not “lots”" in response.get_data(as_text=True)
    assert 'value="Communication"' in response.get_data(as_text=True)  # typed rows kept
    db.expire_all()
    assert db.get(Task, task_id).rubric_id is None  # type: ignore[union-attr]


def test_a_starter_rubric_can_be_used(flow: Flow, teacher: int) -> None:
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/rubric"
    response = flow.client.post(url + "/starter", data={"starter": "employability-skills",
                                                        "csrf_token": _csrf(flow, url)})
    assert response.status_code == 302
    assert "Maximum score: 15" in flow.client.get(url).get_data(as_text=True)


def test_alignments_are_found_by_code_and_added(flow: Flow, teacher: int, db: Session) -> None:
    store(db, tree_package("hs", "Health Science", [("HS.1", "Communicate with patients", [])]))
    db.commit()
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/alignments"
    page = flow.client.get(url, query_string={"q": "HS.1"})
    assert b"Communicate with patients" in page.data
    item = db.scalar(select(Item).where(Item.human_coding_scheme == "HS.1"))
    assert item is not None
    token = _csrf(flow, url + "?q=HS.1")
    added = flow.client.post(url, data={"item_id": item.id, "alignment_type": "assesses",
                                        "weight": "2", "csrf_token": token})
    assert added.status_code == 302
    refused = flow.client.post(url, data={"item_id": item.id, "alignment_type": "assesses",
                                          "weight": "-1", "csrf_token": _csrf(flow, url)})
    assert refused.status_code == 422 and b"weight" in refused.data
    db.expire_all()
    task = db.get(Task, task_id)
    assert task is not None and [(a.item_id, a.weight) for a in task.alignments] == [(item.id, 2.0)]


def test_editing_a_frozen_task_leaves_the_frozen_version_unchanged(flow: Flow, teacher: int,
                                                                   db: Session) -> None:
    task_id = _create(flow, teacher)
    rubric_url = f"/teacher/course/{teacher}/tasks/{task_id}/rubric"
    flow.client.post(rubric_url, data=_rubric_form(_csrf(flow, rubric_url)))
    task = db.get(Task, task_id)
    assert task is not None
    frozen = versions.freeze(db, task)
    db.commit()
    before = dict(frozen.snapshot)
    url = f"/teacher/course/{teacher}/tasks/{task_id}"
    page = flow.client.get(url)
    assert b"Students already work on this task" in page.data
    edited = flow.client.post(url, data={**FORM, "title": "Renamed",
                                         "csrf_token": _csrf(flow, url)})
    assert edited.status_code == 302
    flow.client.post(rubric_url, data=_rubric_form(_csrf(flow, rubric_url), top="9"))
    db.expire_all()
    assert db.get(TaskVersion, frozen.id).snapshot == before  # type: ignore[union-attr]
    assert before["title"] == "Clinic job shadow" and frozen.max_score == 10
    task = db.get(Task, task_id)
    assert task is not None and task.title == "Renamed"
    assert library.rubric_of(task).maximum == 20  # type: ignore[union-attr]
    assert versions.freeze(db, task).number == 2


def test_the_library_pages_through_many_tasks(flow: Flow, teacher: int, db: Session) -> None:
    course = db.get(Course, teacher)
    assert course is not None
    context = library.CourseContext(teacher, course.deployment_id,
                                    _registration_id(db, course))
    for n in range(22):
        library.create_task(db, context, draft(title=f"Tour {n:02}"))
    first = flow.client.get(f"/teacher/course/{teacher}/tasks", query_string={"q": "tour"})
    more = re.search(r'href="([^"]*offset=20[^"]*)">More tasks', first.get_data(as_text=True))
    assert more is not None
    second = flow.client.get(more.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and b"Previous tasks" in second.data
    assert second.get_data(as_text=True).count("Tour ") == 2


def _registration_id(db: Session, course: Course) -> int:
    deployment = db.get(Deployment, course.deployment_id)
    assert deployment is not None
    return deployment.registration_id


def test_onet_tasks_read_as_task_occupation_and_soc_code_not_bare_numbers(
        flow: Flow, teacher: int, db: Session, fixture_onet: Path) -> None:
    """Issue 12: a student saw "91001" where the task's occupation belongs."""
    import_package(db, onet.read_files([fixture_onet / "onet-tasks.txt",
                                        fixture_onet / "onet-occupations.txt"], release="30.3"))
    db.commit()
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/alignments"
    label = ("Task: Take a patient&#39;s temperature, pulse and blood pressure and record them. "
             "(Licensed Practical and Licensed Vocational Nurses, 29-2061.00)")
    found = flow.client.get(url, query_string={"q": "temperature"}).get_data(as_text=True)
    assert label in found and "<strong>91001</strong>" not in found
    item = db.scalar(select(Item).where(Item.human_coding_scheme == "91001"))
    assert item is not None
    added = flow.client.post(url, data={"item_id": item.id, "alignment_type": "assesses",
                                        "weight": "1", "csrf_token": _csrf(flow, url + "?q=nurse")})
    assert added.status_code == 302
    preview = flow.client.get(f"/teacher/course/{teacher}/tasks/{task_id}/preview/student")
    shown = preview.get_data(as_text=True)
    assert label in shown and ">91001<" not in shown
    task = db.get(Task, task_id)
    assert task is not None
    [group] = task_view(db, task).alignments  # what the student's own task page lists
    assert [(i.code, str(i.statement)) for i in group.items] == [
        (None, label.replace("&#39;", "'"))]


def test_onet_labels_speak_the_page_language(
        flow: Flow, teacher: int, db: Session, fixture_onet: Path) -> None:
    """The "Task:" and "Occupation:" a label starts with are Worklink's words, translated."""
    import_package(db, onet.read_files([fixture_onet / "onet-tasks.txt",
                                        fixture_onet / "onet-occupations.txt"], release="30.3"))
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()
    task_id = _create(flow, teacher)
    url = f"/teacher/course/{teacher}/tasks/{task_id}/alignments"
    found = flow.client.get(url, query_string={"q": "temperature"}).get_data(as_text=True)
    assert ("Tarea: Take a patient&#39;s temperature, pulse and blood pressure and record them. "
            "(Licensed Practical and Licensed Vocational Nurses, 29-2061.00)") in found
    assert "Task: " not in found
    nurses = flow.client.get(url, query_string={"q": "Licensed Practical"}).get_data(as_text=True)
    assert "Ocupación: " in nurses and "Occupation: " not in nurses


@pytest.fixture
def fixture_onet() -> Path:
    return Path(__file__).resolve().parents[2] / "competencies" / "fixtures"
