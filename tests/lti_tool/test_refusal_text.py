"""The domain's refusals in the page's language: every marked sentence has its Spanish, and the
pages a teacher and an employer see show a refusal in Spanish when they speak Spanish."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import Message, Refused
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Placement
from competencies.scoring.ratings import check_comment
from competencies.tasks.draft import parse_draft
from competencies.tasks.rubric_form import parse_rubric
from competencies.work.entries import check_link
from competencies.work.hours import HoursEntry, check_entry
from lti_tool.config import Config
from lti_tool.employer import issuing
from lti_tool.i18n import message_text, refusal_text
from lti_tool.lti.custom_params import sign_task_reference
from tests.competencies.partners.factories import school
from tests.lti_tool.employer.conftest import TEACHER, all_levels, form_token, open_link
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import aligned_task, course_context
from tests.lti_tool.teacher.test_employers import _partner_with_supervisor
from tests.lti_tool.teacher.test_employers import course_id as course_id  # noqa: F401 - fixture
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf, _rubric_form

ROOT = Path(__file__).resolve().parents[2]
_HOLE = re.compile(r"%\((\w+)\)([sd])")
SAME_IN_SPANISH = {"No", "videos"}


def _domain_sentences() -> list[str]:
    """Every text marked with ``N_`` (the domain's, and the shell's refusals), as the catalogue
    extractor finds it."""
    found: set[str] = set()
    for package in ("competencies", "lti_tool"):
        found |= {str(message) for path, _l, message, _c, _x in extract_from_dir(
            str(ROOT / package), method_map=[("sandbox/**", "ignore"), ("**.py", "python")],
            keywords={"N_": None})}
    return sorted(found)


def _counted_sentences() -> list[tuple[str, str]]:
    """Every sentence marked with ``NP_``: its singular and plural forms."""
    return sorted({message for path, _l, message, _c, _x in extract_from_dir(
        str(ROOT / "competencies"), method_map=[("**.py", "python")], keywords={"NP_": (1, 2)})})


def test_every_counted_sentence_has_both_spanish_forms_with_their_values(app: Flask) -> None:
    counted = _counted_sentences()
    assert counted, "the hours refusal at least"
    with app.test_request_context(), force_locale("es"):
        for forms in counted:
            for count in (1, 2):
                message = Message.counted(forms, count, **_filled(forms[count - 1]).params)
                spanish = message_text(message)
                assert spanish != str(message), forms[count - 1]
                assert "Ana" not in str(message) or "Ana" in spanish, forms[count - 1]


def _hours_refusal(hours: float) -> Refused:
    entry = HoursEntry(dt.date(2026, 1, 5), "Filing", starts_at=dt.time(9, 0),
                       ends_at=dt.time(13, 30), hours=hours)
    return _refusal(lambda: check_entry(entry, dt.date(2026, 1, 6)))


def test_an_hours_refusal_is_counted_and_written_as_spanish_writes_numbers(app: Flask) -> None:
    refusals = [_hours_refusal(1.0), _hours_refusal(2.5)]
    with app.test_request_context(), force_locale("es"):
        assert [refusal_text(r) for r in refusals] == [
            "1 hora no coincide con el horario de 09:00 a 13:30; indica las horas de inicio y "
            "fin o el número de horas.",
            "2,5 horas no coinciden con el horario de 09:00 a 13:30; indica las horas de inicio "
            "y fin o el número de horas."]


def _filled(template: str) -> Message:
    """The template with a value in every hole: a number for ``%d``, a name for ``%s``."""
    return Message(template, **{name: 3 if kind == "d" else "Ana"
                                for name, kind in _HOLE.findall(template)})


def test_every_domain_sentence_renders_in_spanish_with_its_values(app: Flask) -> None:
    sentences = _domain_sentences()
    assert len(sentences) > 100
    untranslated, holes_lost = [], []
    with app.test_request_context(), force_locale("es"):
        for template in sentences:
            message = _filled(template)
            spanish = message_text(message)
            if spanish == str(message) and template not in SAME_IN_SPANISH:
                untranslated.append(template)
            elif "Ana" in str(message) and "Ana" not in spanish:
                holes_lost.append(template)
    assert untranslated == [], "run scripts/translations and translate these"
    assert holes_lost == [], "the Spanish drops a value the English shows"


def _refusal(action: Callable[[], object]) -> Refused:
    with pytest.raises(Refused) as caught:
        action()
    return caught.value


# One refusal of each kind a page shows, raised by the domain itself.
REFUSALS: list[tuple[str, Callable[[], object], str]] = [
    ("rubric", lambda: parse_rubric({"title": "Shadow", "c0-name": "Safety",
                                     "c0-l0-label": "Meets", "c0-l0-points": "2"},
                                    lambda i: []),
     "“Safety” necesita al menos dos niveles."),
    ("rubric, nested", lambda: parse_rubric({"title": "Shadow", "c0-l0-label": "A",
                                             "c0-l0-points": "many"}, lambda i: []),
     "Los puntos del nivel “A” de “criterio 1” debe ser un número, no “many”."),
    ("task", lambda: parse_draft({"title": "", "stage": "awareness",
                                  "experience_type": "job_shadow"}, []),
     "Ponle un título a la tarea."),
    ("partner", lambda: PartnerDraft(name="").check(), "El socio necesita un nombre."),
    ("supervisor", lambda: SupervisorDraft(name="Ana", email="ana@x.org", language="fr").checked(),
     "Los correos y las páginas pueden estar en inglés (en) o en español (es), no en “fr”."),
    ("scoring", lambda: check_comment("<b>hi</b>", where=Message("The comment on “%(name)s”",
                                                                 name="Safety")),
     "El comentario sobre “Safety” debe ser texto sin formato: hay que quitar “<b>hi</b>…” "
     "(sin etiquetas HTML); no se guardó nada."),
    ("work", lambda: check_link(""), "Escribe o pega la dirección del enlace."),
]


@pytest.mark.parametrize(("kind", "action", "spanish"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_domain_refusal_is_shown_in_spanish(app: Flask, kind: str,
                                               action: Callable[[], object],
                                               spanish: str) -> None:
    refused = _refusal(action)
    with app.test_request_context(), force_locale("es"):
        assert refusal_text(refused) == spanish
    with app.test_request_context(), force_locale("en"):
        assert refusal_text(refused) == str(refused), "English pages show the English as logged"


# -- pages -----------------------------------------------------------------------------------

def test_the_rubric_editor_shows_its_problem_in_spanish(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor", locale="es")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    form = {k: v for k, v in _rubric_form(_csrf(flow, url)).items() if not k.startswith("c1-l1")}
    answer = flow.client.post(url, data=form)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "“Safety” necesita al menos dos niveles." in body and "needs at least" not in body


def test_a_placement_refused_is_explained_in_spanish(flow: Flow, db: Session,
                                                     course_id: int) -> None:  # noqa: F811
    supervisor = _partner_with_supervisor(flow, db, course_id)
    flow.launch(role="Instructor", locale="es")
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    student = re.search(r'<option value="(\d+)">Maya Lopez', page)
    task = re.search(r'<option value="(\d+)">Clinic internship', page)
    assert student and task
    answer = flow.client.post(base, data={
        "csrf_token": _csrf(flow, base), "student_id": student.group(1),
        "task_id": task.group(1), "supervisor_id": str(supervisor.id),
        "starts_on": "2026-12-01", "ends_on": "2026-09-01"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Termina (1 sept 2026) antes de empezar (1 dic 2026)." in body
    assert "before it starts" not in body and db.scalar(select(Placement)) is None


def test_an_employer_who_forgets_to_sign_is_told_in_spanish(client: FlaskClient, db: Session,
                                                           config: Config) -> None:
    s = school(db, language="es")
    link = issuing.issue_link(db, config, s.place(db), TEACHER)
    open_link(client, link.url.split("#")[1])
    answer = client.post("/employer/submit", data={"form_token": form_token(client),
                                                   **all_levels()})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Escriba su nombre para firmar la evaluación." in body and "Type your name" not in body


def test_a_student_launch_refused_is_explained_in_spanish(app: Flask, flow: Flow,
                                                          db: Session) -> None:
    flow.launch(role="Instructor")
    task_id = aligned_task(db, course_context(db), "Job shadow at a clinic")
    custom = {**sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"]),
              "worklink_task": str(aligned_task(db, course_context(db), "Another task"))}
    answer = flow.launch(role="Learner", lti_custom=custom, locale="es")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "se cambió después de que Worklink la creara" in body and "changed after" not in body


# -- pages show refusals through refusal_text, never as str(exc) -----------------------------

AUDIENCES = ("teacher", "student", "employer")


def _str_of_caught(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for handler in ast.walk(tree):
        if not (isinstance(handler, ast.ExceptHandler) and handler.name):
            continue
        for node in ast.walk(handler):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "str" and len(node.args) == 1
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == handler.name):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_audience_pages_never_show_a_caught_error_as_its_english() -> None:
    files = [p for audience in AUDIENCES for p in (ROOT / "lti_tool" / audience).rglob("*.py")]
    assert len(files) > 10
    assert [hit for path in files for hit in _str_of_caught(path)] == []
