"""The Spanish catalogue keeps docs/spanish-glossary.md: one word per Worklink concept, and tú
inside the LMS, usted to employers."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "lti_tool" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
GLOSSARY = ROOT / "docs" / "spanish-glossary.md"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}

RULED_OUT = {
    # Spanish the glossary rules out: the pattern, and the word to use instead.
    r"\bmaestr[oa]s?\b": "docente",
    r"\bprofesor(a|es|as)?\b": "docente",
    r"\balumn[oa]s?\b": "estudiante",
    r"\bpatr[oó]n": "empleador",
    r"\bjefe": "supervisor",
    r"\btutor(a|es|as)?\b": "mentor",
    r"\bartefactos?\b": "producto",
    r"\bvalora(ci[oó]n|ciones|r)\b": "evaluación",
    r"\bpuntua(ci[oó]n|ciones|r|do|da)\b": "puntaje",
    r"\b(libreta|cuaderno|registro) de calificaciones\b": "libro de calificaciones",
    r"\bnormas?\b": "estándar",
    r"\bcolocaci[oó]n(es)?\b": "práctica",
    r"\bimpugn": "cuestionar",
    r"\bimplementaci[oó]n(es)?\b": "instalación",
    r"\bcaduc": "vencer",
    r"\bañad": "agregar",
    r"\bvídeos?\b": "video",
    r"\bhacer (una|la) foto": "tomar una foto",
    r"[«»]": "“…”",
}

ONLY_FOR = [
    # (Spanish, the English it may translate, why): a word kept to one Worklink concept.
    (r"\bcalif[ií]", r"\bgrade", "calificación is the LMS grade; a rubric is evaluated (evaluar)"),
    (r"\bnotas?\b", r"\bnotes?\b", "a nota is a note, never a grade"),
    (r"\bevidencias?\b", r"\bevidence\b", "evidencia is a rated criterion that feeds mastery"),
    (r"\basignaci[oó]n", r"\bassignment", "asignación is the LMS's assignment; a task is a tarea"),
    (r"\bactividad", r"\bactivit", "actividad is Moodle's activity or the hours log's; a task is "
                                   "a tarea"),
]

ARTIFACT_SENSE = re.compile(r"\bhands? in\b|\bartifacts?\b", re.I)
"""English that means what a student hands in: an artifact, a producto in Spanish, never
evidencia."""

_START = r"(?:^|[.:;(¿¡]\s*)"
"""Where an imperative begins a clause; after "que" or "cuando" the same form is a subjunctive."""
TU = re.compile(r"\b(tú|tu|tus|te|ti|contigo)\b|" + _START + r"(elige|escribe|indica|explica|"
                r"revisa|vuelve|abre|ábrelo|pide|pídele|espera|inténtalo|usa|agrega|guarda|"
                r"confirma|cambia|da|dale|dáselo|pon|ponle|regresa|registra|envía|quita)\b", re.I)
USTED = re.compile(r"\busted\b|" + _START + r"(elija|escriba|indique|explique|revise|vuelva|abra|"
                   r"ábralo|pida|pídale|espere|inténtelo|intente|use|agregue|guarde|confirme|"
                   r"cambie|dé|déselo|ponga|regrese|registre|envíe|quite|consulte|califique|"
                   r"evalúe|vea)\b", re.I)

EMPLOYER_SOURCES = ("lti_tool/templates/employer/", "lti_tool/templates/mail/",
                    "lti_tool/employer/", "lti_tool/mail/", "competencies/scoring/ratings.py",
                    "competencies/work/for_supervisor.py")
"""What a supervisor reads: their page, their email, and the refusals of rating and reviewing."""
SUPERVISOR_FUNCTIONS = {"competencies/work/hours.py": {"confirm_hours", "dispute_hours",
                                                       "_entry", "_review"}}
"""The supervisor's side of a file whose other refusals speak to the student."""


def _pairs() -> Iterator[tuple[str, str]]:
    """(English, Spanish) for every message and each of its plural forms."""
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="es")
    for message in catalogue:
        if not message.id:
            continue
        english = " / ".join(message.id) if isinstance(message.id, tuple) else str(message.id)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        yield from ((english, str(spanish)) for spanish in forms)


def ruled_out(spanish: str) -> list[str]:
    """The glossary's words to use instead of those this Spanish uses."""
    return [use for pattern, use in RULED_OUT.items() if re.search(pattern, spanish, re.I)]


def misplaced(english: str, spanish: str) -> list[str]:
    """Why a Spanish word kept to one concept is wrong in this translation."""
    found = [why for word, concept, why in ONLY_FOR
             if re.search(word, spanish, re.I) and not re.search(concept, english, re.I)]
    if ARTIFACT_SENSE.search(english) and re.search(r"\bevidencias?\b", spanish, re.I):
        found.append("what a student hands in is a producto, not evidencia")
    return found


def test_the_term_checks_catch_a_ruled_out_and_a_misplaced_word() -> None:
    assert ruled_out("El maestro le devolvió su valoración.") == ["docente", "evaluación"]
    assert ruled_out("Tu docente devolvió la evaluación «Campo».") == ["“…”"]
    assert misplaced("Score the rubric yourself", "Califica la rúbrica") != []
    assert misplaced("Grade sent", "Calificación enviada") == []
    assert misplaced("Choose a kind of artifact.", "Elige un tipo de evidencia.") != []
    assert misplaced("No evidence for this competency yet.", "Aún no hay evidencia.") == []


def test_every_word_to_use_is_the_glossarys() -> None:
    glossary = GLOSSARY.read_text("utf-8")
    assert [use for use in RULED_OUT.values() if use not in glossary] == []


def test_no_spanish_string_uses_a_word_the_glossary_rules_out() -> None:
    found = [f"{spanish!r}: use {', '.join(uses)}" for _english, spanish in _pairs()
             if (uses := ruled_out(spanish))]
    assert found == [], "see docs/spanish-glossary.md"


def test_a_word_kept_to_one_concept_translates_only_that_concept() -> None:
    found = [f"{spanish!r} for {english!r}: {'; '.join(why)}" for english, spanish in _pairs()
             if (why := misplaced(english, spanish))]
    assert found == [], "see docs/spanish-glossary.md"


# -- register: usted to employers, tú to everyone in the LMS --------------------------------

def _supervisor_messages(path: str, functions: set[str]) -> set[str]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    return {str(call.args[0].value)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name in functions
            for call in ast.walk(function)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "N_" and isinstance(call.args[0], ast.Constant)}


def _employer_messages() -> set[str]:
    """Every English message a supervisor reads, as the extractor finds it."""
    method_map = [("lti_tool/sandbox/**", "ignore"), ("lti_tool/**.py", "python"),
                  ("competencies/**.py", "python"), ("lti_tool/templates/**.html", "jinja2")]
    found: set[str] = set()
    for path, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={**KEYWORDS}):
        if path.startswith(EMPLOYER_SOURCES):
            found.add(" / ".join(message) if isinstance(message, tuple) else message)
    for path, functions in SUPERVISOR_FUNCTIONS.items():
        found |= _supervisor_messages(path, functions)
    return found


@pytest.fixture(scope="module")
def employer_messages() -> set[str]:
    return _employer_messages()


def test_the_register_checks_tell_tu_from_usted() -> None:
    assert TU.search("Explica qué está mal en estas horas.")
    assert TU.search("Este enlace venció. Pide uno nuevo a tu docente.")
    assert not TU.search("Explique qué está mal; el estudiante verá su nota.")
    assert USTED.search("Guarde los socios: vuelva a cargar la página.")
    assert USTED.search("Motivo, si lo cambia usted")
    assert not USTED.search("Se enviará cuando vuelva la conexión; vuelve a cargar la página.")


def test_the_employer_messages_are_the_supervisors(employer_messages: set[str]) -> None:
    assert {"Rate %(student)s's work", "Please rate %(student)s's work at %(partner)s",
            "Choose a level for “%(name)s”, or “not observed”.",
            "Say what is wrong with these hours, so the student can correct them.",
            "Your link does not open this page"  # the employer's error pages
            } <= employer_messages
    assert "Say what you did during these hours." not in employer_messages


def test_employers_are_spoken_to_as_usted(employer_messages: set[str]) -> None:
    found = [spanish for english, spanish in _pairs()
             if english in employer_messages and TU.search(spanish)]
    assert found == [], "an employer reads these: usted (docs/spanish-glossary.md)"


def test_students_teachers_and_operators_are_spoken_to_as_tu(
        employer_messages: set[str]) -> None:
    found = [spanish for english, spanish in _pairs()
             if english not in employer_messages and USTED.search(spanish)]
    assert found == [], "only people in the LMS read these: tú (docs/spanish-glossary.md)"
