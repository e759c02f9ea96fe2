"""The upload widget's markup: labelled pickers (one with camera capture), a live region, the
page's sentences for the script, and the vendored client it loads (in headless Chromium:
tests/browser/test_upload_widget.py)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from flask import Flask, render_template
from flask_babel import force_locale

from competencies.work.file_policy import DEFAULT

STATIC = Path(__file__).resolve().parents[3] / "lti_tool" / "static"


def _render(app: Flask, editable: bool = True, locale: str = "en") -> str:
    page = SimpleNamespace(editable=editable, submission=SimpleNamespace(id=12),
                           placed=SimpleNamespace(resource_link_id=5, course_id=3), files=DEFAULT)
    with app.test_request_context(), force_locale(locale):
        return render_template("student/_upload.html", page=page)


def test_the_pickers_are_labelled_and_one_opens_the_camera(app: Flask) -> None:
    html = _render(app)
    assert '<label for="upload-camera">Take a photo</label>' in html
    assert 'id="upload-camera" accept="image/*" capture="environment"' in html
    accept = re.search(r'id="upload-file" multiple accept="([^"]+)"', html)
    assert accept is not None and "image/*" in accept.group(1) and ".pdf" in accept.group(1)
    assert ".svg" not in accept.group(1) and ".html" not in accept.group(1)
    assert 'role="status" aria-live="polite"' in html
    assert "Accepted: photos and images, PDF documents, office documents, videos, audio " \
           "recordings, up to 200 MB each." in html


def test_the_scripts_sentences_keep_their_placeholders_in_every_language(app: Flask) -> None:
    for locale, sent in (("en", "{name}: {percent}% sent"), ("es", "{name}: {percent}% enviado")):
        html = _render(app, locale=locale)
        assert f'data-msg-progress="{sent}"' in html
        assert 'data-submission-id="12"' in html and 'data-placed-id="5"' in html
        assert 'data-page-url="/student/course/3/task/5"' in html


def test_the_widget_loads_the_vendored_client_with_its_licence(app: Flask) -> None:
    html = _render(app)
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert scripts == ["vendor/tus-js-client-4.3.1/tus.min.js", "upload.js"]
    for script in scripts:
        assert (STATIC / script).is_file()
    assert "MIT" in (STATIC / "vendor" / "tus-js-client-4.3.1" / "LICENSE").read_text()


def test_work_that_cannot_change_shows_no_widget(app: Flask) -> None:
    assert "upload-widget" not in _render(app, editable=False)
