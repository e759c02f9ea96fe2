"""The teacher's mastery heatmap: text, colour class and pattern per cell; filters, sorting, CSV,
and a cell's evidence with its provenance."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.mastery.recording import FinalRatings, RatedCriterion, record_final_ratings
from competencies.models import Framework, Item, RaterType
from competencies.tasks.model import Task, TaskAlignment
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, Enrollment, User
from lti_tool.security import SESSION_HEADER, Principal, Role
from tests.lti_tool.session_factories import issue_token

T0 = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


class Class2:
    def __init__(self, app: Flask, db: Session) -> None:
        self.app, self.db = app, db
        registration = add_registration(
            db, name="Moodle", issuer="https://moodle.mastery.test", client_id="m1",
            auth_login_url="https://moodle.mastery.test/auth",
            auth_token_url="https://moodle.mastery.test/token", key_set={"keys": []},
            deployment_ids=["d"])
        db.flush()
        self.registration_id = registration.id
        self.course = Course(deployment_id=registration.deployments[0].id, context_id="mc-1",
                             title="Construction")
        db.add(self.course)
        db.flush()
        esf = Framework(identifier="esf-view", title="Employability Skills")
        ccss = Framework(identifier="ccss-view", title="Common Core")
        db.add_all([esf, ccss])
        db.flush()
        self.safety = Item(framework_id=esf.id, identifier="esf-safety", human_coding_scheme="ESF.1",
                           full_statement="Works safely")
        self.math = Item(framework_id=ccss.id, identifier="ccss-m", human_coding_scheme="HSN.Q.1",
                         full_statement="Uses units")
        db.add_all([self.safety, self.math])
        db.flush()
        task = Task(title="Site visit", stage="exploration", experience_type="job_shadow",
                    pathway="Construction", course_id=self.course.id)
        db.add(task)
        db.flush()
        db.add_all([TaskAlignment(task_id=task.id, item_id=self.safety.id, alignment_type="builds"),
                    TaskAlignment(task_id=task.id, item_id=self.math.id, alignment_type="builds")])
        self.teacher = User(registration_id=registration.id, sub="t", name="Mr Ortiz")
        self.ana = User(registration_id=registration.id, sub="a", name="Ana <b>Ruiz</b>")
        self.ben = User(registration_id=registration.id, sub="b", name="Ben Lee")
        db.add_all([self.teacher, self.ana, self.ben])
        db.flush()
        for user, role in ((self.teacher, "teacher"), (self.ana, "student"), (self.ben, "student")):
            db.add(Enrollment(course_id=self.course.id, user_id=user.id, lti_roles=[], role=role))
        snapshot = {"rubric": {"title": "R", "criteria": [
            {"name": "Safety", "items": ["esf-safety"], "levels": []},
            {"name": "Units", "items": ["ccss-m"], "levels": []}]}, "alignments": []}
        for user, safety, units in ((self.ana, 4, 1), (self.ben, 2, 3)):
            record_final_ratings(db, FinalRatings(self.course.id, str(user.id), f"sub:{user.id}",
                                                  snapshot, [
                RatedCriterion("Safety", safety, 4, RaterType.EMPLOYER, "Dana (site lead)", T0,
                               artifacts=("photo-1",), comment="Hard hat every day"),
                RatedCriterion("Units", units, 4, RaterType.TEACHER, "Mr Ortiz", T0)]))
        db.commit()

    def get(self, client: FlaskClient, path: str, role: Role = Role.TEACHER) -> tuple[int, str]:
        with self.app.test_request_context():
            token = issue_token(Principal(self.teacher.id, self.registration_id, self.course.id,
                                          role, "launch-m"))
        response = client.get(path, headers={SESSION_HEADER: token})
        return response.status_code, " ".join(response.get_data(as_text=True).split())


@pytest.fixture
def class2(app: Flask, db: Session) -> Class2:
    return Class2(app, db)


def test_the_heatmap_shows_value_level_and_a_pattern_class_per_cell(client: FlaskClient,
                                                                    class2: Class2) -> None:
    status, page = class2.get(client, f"/teacher/course/{class2.course.id}/mastery")
    assert status == 200
    assert '<th scope="colgroup" class="group" colspan="1">Common Core</th>' in page
    assert "Ana &lt;b&gt;Ruiz&lt;/b&gt;" in page and "<b>Ruiz" not in page
    # Ana: units 1 of 4 → Beginning; safety 4 of 4 → Advanced; the legend spells them out.
    ana, math, safety = class2.ana.id, class2.math.id, class2.safety.id
    assert f'<td class="lv-1"><a href="mastery/{ana}/{math}">1 B</a></td>' in page
    assert f'<td class="lv-4"><a href="mastery/{ana}/{safety}">4 A</a></td>' in page
    assert '<span class="lv-1">B = Beginning</span>' in page
    assert page.index("Ana &lt;b&gt;") < page.index("Ben Lee")


def test_students_with_the_same_standing_each_link_to_their_own_evidence(
        client: FlaskClient, db: Session, class2: Class2) -> None:
    """The page formats each value and level once; the link must still be each student's."""
    cleo = User(registration_id=class2.registration_id, sub="c", name="Cleo Park")
    db.add(cleo)
    db.flush()
    db.add(Enrollment(course_id=class2.course.id, user_id=cleo.id, lti_roles=[], role="student"))
    snapshot = {"rubric": {"title": "R", "criteria": [
        {"name": "Units", "items": ["ccss-m"], "levels": []}]}, "alignments": []}
    record_final_ratings(db, FinalRatings(class2.course.id, str(cleo.id), f"sub:{cleo.id}", snapshot, [
        RatedCriterion("Units", 1, 4, RaterType.TEACHER, "Mr Ortiz", T0)]))
    db.commit()
    _, page = class2.get(client, f"/teacher/course/{class2.course.id}/mastery")
    for student in (class2.ana.id, cleo.id):
        assert f'<td class="lv-1"><a href="mastery/{student}/{class2.math.id}">1 B</a></td>' in page


def test_sorting_by_a_competency_puts_the_highest_first(client: FlaskClient, class2: Class2) -> None:
    _, page = class2.get(client, f"/teacher/course/{class2.course.id}/mastery?sort=item:{class2.math.id}")
    assert page.index("Ben Lee") < page.index("Ana &lt;b&gt;")


def test_a_framework_filter_keeps_only_its_columns(client: FlaskClient, class2: Class2) -> None:
    _, page = class2.get(client, f"/teacher/course/{class2.course.id}/mastery?framework=Common+Core")
    assert "HSN.Q.1" in page and ">ESF.1<" not in page


def test_the_csv_has_a_row_per_student_and_a_column_per_competency(client: FlaskClient,
                                                                   class2: Class2) -> None:
    with class2.app.test_request_context():
        token = issue_token(Principal(class2.teacher.id, class2.registration_id, class2.course.id,
                                      Role.TEACHER, "launch-m"))
    response = client.get(f"/teacher/course/{class2.course.id}/mastery?format=csv",
                          headers={SESSION_HEADER: token})
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines == ["Student,HSN.Q.1 Uses units,ESF.1 Works safely",
                     "Ana <b>Ruiz</b>,1 Beginning,4 Advanced", "Ben Lee,3 Proficient,2 Developing"]


def test_a_cell_opens_the_evidence_with_its_provenance(client: FlaskClient, class2: Class2) -> None:
    status, page = class2.get(
        client, f"/teacher/course/{class2.course.id}/mastery/{class2.ana.id}/{class2.safety.id}")
    assert status == 200
    assert "Dana (site lead) (employer)" in page and "Hard hat every day" in page
    assert "An artifact this page cannot show" in page and "photo-1" not in page
    assert "Oct 5, 2026, 10:00 AM UTC" in page


def test_a_cell_of_someone_outside_the_course_is_not_found(client: FlaskClient, db: Session,
                                                           class2: Class2) -> None:
    stranger = User(registration_id=class2.registration_id, sub="x", name="Stranger")
    db.add(stranger)
    db.commit()
    status, _ = class2.get(
        client, f"/teacher/course/{class2.course.id}/mastery/{stranger.id}/{class2.safety.id}")
    assert status == 404


def test_students_cannot_open_the_heatmap(client: FlaskClient, class2: Class2) -> None:
    status, _ = class2.get(client, f"/teacher/course/{class2.course.id}/mastery", Role.STUDENT)
    assert status == 403


def test_a_student_sees_their_own_competencies_with_the_employer_s_words(
        app: Flask, client: FlaskClient, class2: Class2) -> None:
    with app.test_request_context():
        token = issue_token(Principal(class2.ben.id, class2.registration_id, class2.course.id,
                                      Role.STUDENT, "launch-b"))
    response = client.get(f"/student/course/{class2.course.id}/competencies",
                          headers={SESSION_HEADER: token})
    page = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 200
    assert "ESF.1 Works safely" in page and "Construction" in page
    assert "<strong>Developing</strong> (2 of 4)" in page
    assert 'rated by Dana (site lead) (employer): “Hard hat every day”' in page
    assert 'aria-label="Proficient: 3 of 4"' in page  # units, as a picture with words
    assert "Ana" not in page  # nobody else's
