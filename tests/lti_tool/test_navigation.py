"""One navigation per audience, the same on every page, with the page a person is on marked once.

The test walks every page of each audience with the test client (the pages a launch draws as
well as the ones a link opens) and reads the header's navigation: the same labels in the same
order everywhere, and exactly one current marker on the page: ``aria-current="page"`` on the
page's own link, or ``aria-current="true"`` on the section a deeper page belongs to (a
submission in the course home's placed tasks, a task's edit page in the task library), as
WAI-ARIA describes the two. Every page's title follows one pattern, the page · its course
(where there is one) · Worklink: a screen reader reads it first, and it names the LMS's tab.
Error pages drawn for someone signed in to a course show that course's navigation, nothing
marked, and nothing of another course. A GET page of an audience the walk does not open fails the test,
so a new page is walked from the day it is written.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.partners.model import Placement
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.config import Config
from lti_tool.models import Registration, User
from tests.lti_tool.admin.test_admin_pages import _sign_in
from tests.lti_tool.employer.conftest import open_link, placed_with_supervisor
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass
from tests.lti_tool.task_launch_factories import STANDARD, aligned_task, course_context

TEACHER = ["Course home", "Task library", "Standards coverage", "Class roster",
           "Grades sent to the LMS", "Mastery", "Partners", "Placements", "Ratings to moderate",
           "Audit log"]
STUDENT = ["My work-based learning", "My competencies"]
ADMIN = ["Platforms", "Pending deployments", "Install URLs", "Grades", "Audit log", "Sessions"]

NOT_WALKED = {
    "teacher.picker": "the LMS's add-content dialog: choosing tasks for the LMS, not a page "
                      "to leave (tests/lti_tool/teacher/test_picker.py)",
    "admin.signin_form": "nobody is signed in yet",
    "employer.open_link": "a supervisor's one page (below), reached by a signed link",
    "employer.review": "a supervisor's one page (below), reached by a signed link",
}


@dataclasses.dataclass(frozen=True)
class Nav:
    labels: list[str]
    current: list[tuple[str, str]]
    """(label, aria-current value) of each marked link."""
    markers: int
    """aria-current attributes anywhere on the page."""


class _NavReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.navs = 0
        self.labels: list[str] = []
        self.current: list[tuple[str, str]] = []
        self.markers = 0
        self._in_nav = False
        self._link: tuple[str | None, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "aria-current" in found:
            self.markers += 1
        if tag == "nav" and "site-nav" in (found.get("class") or "").split():
            self.navs += 1
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self._link = (found.get("aria-current"), [])

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        elif tag == "a" and self._link is not None:
            marker, words = self._link
            label = " ".join("".join(words).split())
            self.labels.append(label)
            if marker is not None:
                self.current.append((label, marker))
            self._link = None


def title_of(page: str) -> str:
    found = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert len(found) == 1, "one title per page"
    return " ".join(html.unescape(found[0]).split())


def nav_of(page: str) -> Nav | None:
    reader = _NavReader()
    reader.feed(page)
    assert reader.navs <= 1, "two site navigations on one page"
    if not reader.navs:
        return None
    # The admin's pending count ("Pending deployments (2 waiting)") is part of its label.
    labels = [re.sub(r" \(\d+ waiting\)$", "", label) for label in reader.labels]
    return Nav(labels, reader.current, reader.markers)


@dataclasses.dataclass
class Walk:
    """What each page showed that it should not have, gathered so one run names them all."""

    app: Flask
    labels: list[str]
    course: str | None
    """The course's title, the middle of every page's title (None: a page of no course)."""
    problems: dict[str, str] = dataclasses.field(default_factory=dict)
    walked: set[str] = dataclasses.field(default_factory=set)

    def check(self, name: str, page: str, title: str, current: str | None,
              marker: str = "page") -> None:
        """``title``: what the page's title calls it; ``current`` None: a page of no section
        (an error page), nothing marked."""
        titled = " · ".join(part for part in (title, self.course, "Worklink") if part)
        nav = nav_of(page)
        marked = [] if current is None else [(current, marker)]
        if nav is None:
            self.problems[name] = "no navigation"
        elif nav.labels != self.labels:
            self.problems[name] = f"navigation {nav.labels}"
        elif nav.current != marked or nav.markers != len(marked):
            self.problems[name] = f"marked {nav.current} ({nav.markers} aria-current on the page)"
        elif title_of(page) != titled:
            self.problems[name] = f"titled {title_of(page)!r}"

    def get(self, client: FlaskClient, url: str, title: str, current: str,
            marker: str = "page") -> None:
        """Open ``url`` (following a redirect, as a browser does) and check its navigation."""
        endpoint, _ = self.app.url_map.bind("worklink.test").match(urlsplit(url).path)
        self.walked.add(endpoint)
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, (url, response.status_code)
        self.check(url, response.get_data(as_text=True), title, current, marker)


    def refused(self, client: FlaskClient, url: str, status: int, title: str,
                form: dict[str, str] | None = None) -> str:
        """Open ``url`` (post ``form`` to it, if given), expect the error page ``status`` with
        the navigation and nothing marked, titled ``title``; the page."""
        response = client.post(url, data=form) if form is not None else client.get(url)
        assert response.status_code == status, (url, response.status_code)
        page = response.get_data(as_text=True)
        self.check(f"{status} {url}", page, title, None)
        return page


def _gets(app: Flask, audience: str) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(f"{audience}.") and "GET" in (rule.methods or ())
            and rule.endpoint not in NOT_WALKED}


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session, config: Config) -> PlacedClass:
    """A task placed as an LMS link, student-1's work handed in, student-1 placed at a clinic
    with a supervisor; the teacher signed in last."""
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS,))
    placed.student("student-1")
    placed.work("links", {"url": "https://example.org/work"})
    assert placed.work("submit", {}).status_code == 303
    placed.launch("Instructor", "teacher-1")
    placed_with_supervisor(flow, db, config, placed.course_id, placed.task_id)
    return placed


COURSE = "Health Science Pathway"
"""The course the platform's launches come from (tests/lti_tool/lti/conftest.py)."""
TASK = "Clinic internship"


def test_every_teacher_page_shows_the_teachers_navigation_with_its_place_marked(
        app: Flask, placed: PlacedClass, db: Session) -> None:
    walk = Walk(app, TEACHER, COURSE)
    course = f"/teacher/course/{placed.course_id}"
    task = f"{course}/tasks/{placed.task_id}"
    student = db.scalar(select(User.id).where(User.sub == "student-1"))
    standard = db.scalar(select(Item.id).where(Item.human_coding_scheme == STANDARD))
    placement = db.scalar(select(Placement))
    assert placement is not None
    partner, at = placement.partner.name, f"Person student-1 at {placement.partner.name}"
    # What the LMS opens: the course link (the course home) and the placed task's link.
    walk.check("launch: course", placed.flow.launch(role="Instructor", sub="teacher-1")
               .get_data(as_text=True), "Course home", "Course home", "page")
    walk.check("launch: placed task", placed.launch("Instructor", "teacher-1")
               .get_data(as_text=True), TASK, "Course home", "true")
    client = placed.flow.client
    for url, title, current, marker in (
        (course, "Course home", "Course home", "page"),
        (f"{course}/placed/{placed.link_id}/submissions", f"Submissions: {TASK}", "Course home",
         "true"),
        (f"{course}/submissions/{placed.submission('student-1').id}",
         f"Person student-1: {TASK}", "Course home", "true"),
        (f"{course}/tasks", "Task library", "Task library", "page"),
        (f"{course}/tasks/new", "New task", "Task library", "true"),
        (task, TASK, "Task library", "true"),
        (f"{task}/alignments", f"Standards and competencies: {TASK}", "Task library", "true"),
        (f"{task}/rubric", f"Rubric for “{TASK}”", "Task library", "true"),
        (f"{task}/preview/student", f"Preview as a student: {TASK}", "Task library", "true"),
        (f"{task}/preview/employer", f"Preview as an employer: {TASK}", "Task library", "true"),
        (f"{course}/coverage", "Standards coverage", "Standards coverage", "page"),
        (f"{course}/roster", "Class roster", "Class roster", "page"),
        (f"{course}/grades", "Grades sent to the LMS", "Grades sent to the LMS", "page"),
        (f"{course}/mastery", "Mastery", "Mastery", "page"),
        (f"{course}/mastery/{student}/{standard}", f"Person student-1: {STANDARD}", "Mastery",
         "true"),
        (f"{course}/partners", "Partners", "Partners", "page"),
        (f"{course}/partners/{placement.partner_id}", partner, "Partners", "true"),
        (f"{course}/placements", "Placements", "Placements", "page"),
        (f"{course}/placements/{placement.id}", f"{at} ({TASK})", "Placements", "true"),
        (f"{course}/placements/{placement.id}/rating", f"Rating: {at}", "Placements", "true"),
        (f"{course}/ratings", "Ratings to moderate", "Ratings to moderate", "page"),
        (f"{course}/audit", "Audit log", "Audit log", "page"),
    ):
        walk.get(client, url, title, current, marker)
    assert walk.problems == {}
    assert walk.walked == _gets(app, "teacher")


def _form_token(page: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def _refusal(page: str) -> str:
    """What an error page says (its title and main), without the per-page tokens around it."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    main = re.search(r"<main.*</main>", page, re.S)
    assert title is not None and main is not None
    return title.group(1) + main.group(0)


def _another_course(placed: PlacedClass, db: Session) -> tuple[int, int]:
    """Another course of the same platform, with a task of its own: (course id, task id)."""
    placed.flow.launch(role="Instructor", sub="teacher-2",
                       lti_context={"id": "course-8", "title": "Welding Basics", "label": "WB"})
    theirs = course_context(db, "course-8")
    return theirs.course_id, aligned_task(db, theirs, "Weld inspection")


def test_a_teachers_error_pages_show_the_navigation_of_their_own_course_and_nothing_of_another(
        app: Flask, placed: PlacedClass, db: Session) -> None:
    other, their_task = _another_course(placed, db)
    draft = aligned_task(db, course_context(db), "Shadow a nurse")
    placed.launch("Instructor", "teacher-1")
    client, walk = placed.flow.client, Walk(app, TEACHER, COURSE)
    course = f"/teacher/course/{placed.course_id}"
    token = _form_token(client.get(f"{course}/tasks/{draft}/rubric").get_data(as_text=True))
    walk.refused(client, f"{course}/tasks/999999", 404, "Page not found")
    walk.refused(client, "/no/such/page", 404, "Page not found")
    # A refused form, and a form whose token no longer checks out.
    walk.refused(client, f"{course}/tasks/{draft}/rubric/starter", 400,
                 "This request could not be understood",
                 {"csrf_token": token, "starter": "no-such-starter"})
    walk.refused(client, f"{course}/tasks/{draft}/rubric/starter", 403, "This form has expired",
                 {"csrf_token": "stale", "starter": "employability-skills"})
    # Another course's page: their task, a task they do not have, a course that is not there.
    refused = "You do not have access to this page"
    theirs = [walk.refused(client, f"/teacher/course/{other}/tasks/{their_task}", 403, refused),
              walk.refused(client, f"/teacher/course/{other}/tasks/999999", 403, refused),
              walk.refused(client, "/teacher/course/999999/roster", 403, refused)]
    assert walk.problems == {}
    assert {_refusal(page) for page in theirs} == {_refusal(theirs[0])}
    # (The language switch returns to the address asked for: the person's own words, no link.)
    assert not any(f'href="/teacher/course/{other}' in page or "Weld" in page for page in theirs)
    assert f'href="{course}">Go to your course home</a>' in theirs[0]


def test_a_students_error_pages_show_the_navigation_of_their_own_course(
        app: Flask, placed: PlacedClass, db: Session) -> None:
    other, _ = _another_course(placed, db)
    placed.student("student-1")
    client, walk = placed.flow.client, Walk(app, STUDENT, COURSE)
    course = f"/student/course/{placed.course_id}"
    walk.refused(client, f"{course}/submission/999999", 404, "Page not found")
    # A button whose form expired (a typed form is drawn again instead, with the sentence).
    walk.refused(client, f"{course}/submission/{placed.submission('student-1').id}/artifacts/1"
                 "/remove", 403, "This form has expired", {"csrf_token": "stale"})
    page = walk.refused(client, f"/student/course/{other}/competencies", 403,
                        "You do not have access to this page")
    assert walk.problems == {}
    assert f'href="/student/course/{other}' not in page and "Welding" not in page


def test_an_error_page_for_nobody_signed_in_has_no_navigation(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and nav_of(page) is None
    assert title_of(page) == "Page not found · Worklink"


def test_every_student_page_shows_the_students_navigation_with_its_place_marked(
        app: Flask, placed: PlacedClass) -> None:
    walk = Walk(app, STUDENT, COURSE)
    home = "My work-based learning"
    walk.check("launch: placed task", placed.student("student-1"), TASK, home, "true")
    walk.check("launch: course", placed.flow.launch(role="Learner", sub="student-1")
               .get_data(as_text=True), home, home, "page")
    course = f"/student/course/{placed.course_id}"
    for url, title, current, marker in (
        (course, home, home, "page"),
        (placed.task_url, TASK, home, "true"),
        (f"{course}/submission/{placed.submission('student-1').id}", TASK, home, "true"),
        (f"{course}/competencies", "My competencies", "My competencies", "page"),
    ):
        walk.get(placed.flow.client, url, title, current, marker)
    assert walk.problems == {}
    assert walk.walked == _gets(app, "student")


def test_every_admin_page_shows_the_operators_navigation_with_its_page_marked(
        app: Flask, client: FlaskClient, db: Session, config: Config) -> None:
    db.execute(delete(Registration))
    _sign_in(client, db, config)
    walk = Walk(app, ADMIN, None)  # the operator's pages belong to no course
    for url, current in (("/admin/", "Platforms"), ("/admin/deployments/pending",
                                                     "Pending deployments"),
                         ("/admin/urls", "Install URLs"), ("/admin/grades", "Grades"),
                         ("/admin/audit", "Audit log"), ("/admin/sessions", "Sessions")):
        walk.get(client, url, current, current)
    assert walk.problems == {}
    assert walk.walked == _gets(app, "admin")


def test_a_supervisors_one_page_has_no_site_navigation(
        app: Flask, placed: PlacedClass, db: Session, config: Config) -> None:
    """A signed link opens one page, the rating of one student's work: no other page to go to."""
    from lti_tool.employer import issuing
    from tests.lti_tool.employer.conftest import TEACHER as ISSUER

    placement = db.scalar(select(Placement))
    assert placement is not None
    token = issuing.issue_link(db, config, placement, ISSUER, send_mail=False).url.split("#")[1]
    client = app.test_client()
    assert nav_of(client.get("/employer/open").get_data(as_text=True)) is None
    assert open_link(client, token).status_code == 303
    review = client.get("/employer/review")
    assert review.status_code == 200 and nav_of(review.get_data(as_text=True)) is None
    assert {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("employer.") and "GET" in (rule.methods or ())} == {
        "employer.open_link", "employer.review"}


def test_the_reader_counts_markers_and_labels_so_the_walk_cannot_pass_vacuously() -> None:
    page = ('<nav class="site-nav"><ul><li><a href="/a" aria-current="page">A</a></li>'
            '<li><a href="/b">B <span>(2 waiting)</span></a></li></ul></nav>'
            '<main><a href="/c" aria-current="true">C</a></main>')
    nav = nav_of(page)
    assert nav == Nav(["A", "B"], [("A", "page")], 2)
    assert nav_of("<main>no navigation</main>") is None


def test_a_title_escapes_what_it_is_given_and_leaves_out_a_course_without_a_name() -> None:
    from markupsafe import Markup

    from lti_tool.page_context import CourseView
    from lti_tool.web import title_line

    drawn = Markup("\n  Rubric for “R&amp;D”\n")  # a page_title block as drawn, escaped
    assert title_line(drawn, CourseView(1, "<b>Bio</b>", None)) == (
        "Rubric for “R&amp;D” · &lt;b&gt;Bio&lt;/b&gt; · Worklink")
    assert title_line(drawn, CourseView(1, None, "HSP")) == "Rubric for “R&amp;D” · HSP · Worklink"
    assert title_line(drawn, CourseView(1, None, None)) == "Rubric for “R&amp;D” · Worklink"
    assert title_line(Markup(""), None) == "Worklink"


def test_a_title_is_in_the_page_s_language(client: FlaskClient) -> None:
    page = client.get("/no/such/page", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert title_of(page) == "No encontramos la página · Worklink"
