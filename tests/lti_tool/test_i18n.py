"""Language: every page in English and Spanish, chosen from the launch, switchable, and complete."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from jinja2 import Environment

from lti_tool.i18n import best_supported, format_number, parse_decimal
from tests.lti_tool.lti.conftest import Flow

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "lti_tool" / "templates"
CATALOGUE = ROOT / "lti_tool" / "translations" / "es" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}


def _spanish() -> dict[object, object]:
    with open(CATALOGUE / "messages.po", "rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="es") if m.id}


def _marked_in_code() -> set[object]:
    """Every string the code and templates mark for translation, as the extractor sees them."""
    method_map = [("lti_tool/sandbox/**", "ignore"), ("lti_tool/**.py", "python"),
                  ("competencies/**.py", "python"), ("lti_tool/templates/**.html", "jinja2")]
    found: set[object] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={**KEYWORDS}):
        if "/.venv" in _file or _file.startswith((".", "tests", "bench", "build")):
            continue
        found.add(message)
    return found


def test_every_marked_string_has_a_spanish_translation() -> None:
    spanish = _spanish()
    marked = _marked_in_code()
    assert len(marked) > 300
    untranslated = sorted(str(m) for m in marked
                          if not spanish.get(m) or (isinstance(m, tuple) and not all(spanish[m])))
    assert not untranslated, "run scripts/translations and translate: " + "; ".join(untranslated)


def test_the_compiled_catalogue_is_the_one_in_the_po_file() -> None:
    """The .mo Worklink loads is committed; it must say what the .po says."""
    spanish = _spanish()
    with open(CATALOGUE / "messages.mo", "rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert compiled == {_key(k): _key(v) for k, v in spanish.items()}


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, (list, tuple)) else value


# -- templates: no text a person reads outside a translation call ---------------------------

READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-label"}
HOLE = "\x00"
"""Stands for a Jinja expression or tag: whatever it renders is checked where it is written."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


# Words that are the same in every language: the product's name and technical names.
_UNTRANSLATED_WORDS = re.compile(r"Worklink|UTC|OIDC|JWKS|LTI|h\b")


def untranslated_text(source: str) -> list[str]:
    """Literal words in a template that no translation call wraps."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    data = []
    for _line, kind, value in env.lex(source):
        if kind == "data":
            data.append(value)
        elif kind in ("variable_begin", "block_begin"):
            data.append(HOLE)
    parser = _Text()
    parser.feed("".join(data))
    words = []
    for text in parser.found:
        rest = _UNTRANSLATED_WORDS.sub("", text.replace(HOLE, " "))
        if re.search(r"[A-Za-z]{2,}", rest):
            words.append(text.replace(HOLE, "…").strip())
    return words


def test_the_template_check_catches_a_literal_word() -> None:
    assert untranslated_text('<p>{{ _("Saved.") }}</p><button aria-label="Close">x</button>') == ["Close"]
    assert untranslated_text("<h1>Hello {{ name }}</h1>") == ["Hello …"]
    assert untranslated_text('<p>{{ _("Hi") }} · Worklink</p><code>WORKLINK_X</code>') == []


@pytest.mark.parametrize("template", sorted(
    str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_a_user_page_template_has_no_untranslated_text(template: str) -> None:
    assert untranslated_text((TEMPLATES / template).read_text("utf-8")) == []


# -- choosing the language -----------------------------------------------------------------

@pytest.mark.parametrize(("tag", "language"), [
    ("es-419", "es"), ("es_MX", "es"), ("es", "es"), ("en-US", "en"), ("fr-CA", None), ("", None),
])
def test_a_platform_locale_maps_to_a_supported_language(tag: str, language: str | None) -> None:
    assert best_supported(tag) == language


def test_a_launch_with_a_spanish_locale_opens_in_spanish(flow: Flow) -> None:
    page = flow.launch(lti_launch_presentation={"locale": "es-419", "document_target": "iframe"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es">' in body and "Vista de docente" in body and "Teacher view" not in body


def test_canvas_top_level_locale_claim_is_read_too(flow: Flow) -> None:
    body = flow.launch(locale="es").get_data(as_text=True)
    assert "Inicio del curso" in body


def test_a_launch_without_a_locale_speaks_english(flow: Flow) -> None:
    body = flow.launch().get_data(as_text=True)
    assert '<html lang="en">' in body and "Teacher view" in body


def _switch(client: FlaskClient, body: str, language: str, next_path: str) -> object:
    token = re.search(r'name="csrf_token" value="([^"]+)"', body)
    assert token is not None
    data = {"csrf_token": token.group(1), "language": language, "next": next_path}
    return client.post("/language", data=data)


def test_the_language_switch_persists_for_the_person_across_launches(flow: Flow) -> None:
    body = flow.launch(lti_launch_presentation={"locale": "en"}).get_data(as_text=True)
    assert 'name="language"' in body
    answer = _switch(flow.client, body, "es", "/teacher/course/1")
    assert answer.status_code == 303 and answer.headers["Location"] == "/teacher/course/1"
    again = flow.launch(lti_launch_presentation={"locale": "en"}).get_data(as_text=True)
    assert "Vista de docente" in again, "the chosen language wins over the platform's locale"


def test_the_switch_refuses_a_language_it_does_not_offer_and_another_site(flow: Flow) -> None:
    body = flow.launch().get_data(as_text=True)
    assert _switch(flow.client, body, "klingon", "/").status_code == 400
    answer = _switch(flow.client, body, "es", "https://evil.test/")
    assert answer.headers["Location"] == "/"


def test_the_switch_needs_the_form_token(flow: Flow) -> None:
    flow.launch()
    assert flow.client.post("/language", data={"language": "es", "next": "/"}).status_code in (401, 403)


def test_numbers_are_written_as_the_locale_writes_them(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("es"):
            assert format_number(1.5) == "1,5" and format_number(1234) == "1.234"
        with force_locale("en"):
            assert format_number(1.5) == "1.5" and format_number(1234) == "1,234"


@pytest.mark.parametrize(("language", "typed", "number"), [
    ("en", "2.5", 2.5), ("en", "1,000.5", 1000.5), ("en", "2,5", 2.5), ("en", "40", 40.0),
    ("es", "2,5", 2.5), ("es", "1.000,5", 1000.5), ("es", "1.000", 1000.0),
    ("es", "2.5", 2.5),  # as a browser's number field sends it, whatever the language
    ("es", " 0,25 ", 0.25),
])
def test_a_number_is_read_as_the_readers_language_writes_it(
        app: Flask, language: str, typed: str, number: float) -> None:
    with app.test_request_context(), force_locale(language):
        assert parse_decimal(typed) == number


@pytest.mark.parametrize("typed", ["", "two", "2½", "1,5,0", "1,000.5,2", "nan", "inf", "1e3",
                                   "3_0"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_what_is_no_number_is_refused(app: Flask, language: str, typed: str) -> None:
    with app.test_request_context(), force_locale(language), pytest.raises(ValueError):
        parse_decimal(typed)


def test_an_anonymous_page_follows_the_browser_language(client: FlaskClient) -> None:
    body = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in body and "Cómo abrirlo" in body


# -- views: no English sentence handed to a page outside a translation call ------------------

PAGE_CALLS = {"error_page", "abort", "render_template", "_render", "_page", "jsonify"}
"""What puts text on a page a teacher, student or employer reads (plus ``problems.append``)."""
VIEW_FILES = [p for folder in ("teacher", "student", "employer")
              for p in (ROOT / "lti_tool" / folder).rglob("*.py")] + [
    ROOT / "lti_tool" / name for name in ("landing.py", "placement.py", "task_view.py",
                                           "work_access.py", "web.py")]


def _sentence(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", node.value))
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.BinOp) and (_sentence(node.left) or _sentence(node.right)))


def english_handed_to_pages(source: str) -> list[str]:
    """Literal English sentences a view passes straight to a page."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        appended = (name == "append" and isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name) and func.value.id in ("problems", "located"))
        if name in PAGE_CALLS or appended:
            values = [*node.args, *(k.value for k in node.keywords)]
            found += [f"{node.lineno}: {ast.unparse(v)[:60]}" for v in values if _sentence(v)]
    return found


def test_the_view_check_catches_an_english_sentence() -> None:
    assert english_handed_to_pages(
        'error_page(404, "There is no such link.")\n'
        'problems.append(f"{name} is taken.")\n'
        'error_page(404, gettext("There is no such link."))\n'
        'render_template("a/b.html", title=_("Not found"))\n') == [
        '1: \'There is no such link.\'', "2: f'{name} is taken.'"]


@pytest.mark.parametrize("view", VIEW_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_view_hands_no_english_sentence_to_a_page(view: Path) -> None:
    assert english_handed_to_pages(view.read_text("utf-8")) == []
