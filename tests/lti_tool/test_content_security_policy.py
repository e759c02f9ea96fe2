"""The policy every page is sent under: the rich-text editor's styles come in by a nonce, never by 'unsafe-inline'.

Trix inserts ``<style>`` elements for its own elements and marks them with the nonce it reads
from ``<meta name="trix-csp-nonce">``; under ``default-src 'self'`` alone Chromium refused them
and logged a violation on every page with an editor (tests/browser/test_rich_text_policy.py).
"""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from lti_tool.models import Course
from tests.lti_tool.lti.conftest import Flow


def _directives(response: TestResponse) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _page_nonce(response: TestResponse) -> str:
    metas = lxml.html.fromstring(response.get_data(as_text=True)).xpath(
        "//head/meta[@name='trix-csp-nonce']")
    assert len(metas) == 1
    return str(metas[0].get("nonce"))


@pytest.fixture
def new_task_page(flow: Flow, db: Session) -> str:
    flow.launch(role="Instructor")
    course = db.scalar(select(Course).where(Course.context_id == "course-7"))
    assert course is not None
    return f"/teacher/course/{course.id}/tasks/new"


def test_a_page_with_an_editor_allows_inline_styles_only_by_its_own_nonce(
        flow: Flow, new_task_page: str) -> None:
    response = flow.client.get(new_task_page)
    nonce = _page_nonce(response)
    assert len(nonce) >= 22  # 128 bits or more
    assert _directives(response)["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_each_answer_has_a_fresh_nonce(flow: Flow, new_task_page: str) -> None:
    """A nonce seen once (in a cached copy, a screenshot of the source) admits nothing later."""
    first, second = flow.client.get(new_task_page), flow.client.get(new_task_page)
    assert _page_nonce(first) != _page_nonce(second)
    assert _directives(first)["style-src"] != _directives(second)["style-src"]


def test_the_rest_of_the_policy_is_unchanged(flow: Flow, new_task_page: str) -> None:
    directives = _directives(flow.client.get(new_task_page))
    assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"] and "script-src" not in directives


def test_an_answer_that_draws_no_page_gets_no_nonce(flow: Flow, new_task_page: str) -> None:
    answer = flow.client.get("/static/worklink.css")
    answer.close()
    assert "style-src" not in _directives(answer)
