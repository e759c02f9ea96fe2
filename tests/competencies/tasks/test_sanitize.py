"""Teacher-written descriptions keep their formatting and lose anything that could run."""

from __future__ import annotations

from competencies.tasks.sanitize import plain_text, sanitize


def test_script_and_its_content_are_removed() -> None:
    assert sanitize("<p>Hi<script>alert(1)</script></p>") == "<p>Hi</p>"


def test_event_handlers_are_removed() -> None:
    cleaned = sanitize('<p onclick="steal()">Go</p><img src=x onerror="steal()">')
    assert "onclick" not in cleaned and "onerror" not in cleaned and "<img" not in cleaned


def test_javascript_links_lose_their_target_and_kept_links_get_noopener() -> None:
    cleaned = sanitize('<a href="javascript:steal()">x</a> <a href="https://osha.gov" '
                       'target="_blank">OSHA</a> <a href="data:text/html,x">d</a>')
    assert "javascript" not in cleaned and "data:" not in cleaned and "target" not in cleaned
    assert '<a href="https://osha.gov" rel="noopener">OSHA</a>' in cleaned


def test_the_allowed_formatting_survives() -> None:
    text = ("<h3>Before</h3><p><strong>Bring</strong> <em>ID</em><br></p>"
            "<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote>"
            '<a href="mailto:coord@school.test" rel="noopener">mail</a>')
    assert sanitize(text) == text


def test_plain_text_is_the_words_only() -> None:
    assert plain_text(sanitize("<p>Meet&nbsp;the <strong>nurse</strong></p><p>at 9</p>")) == \
        "Meet the nurse at 9"


def test_plain_text_keeps_punctuation_against_the_word_before_it() -> None:
    assert plain_text(sanitize("<p>Spend a morning with a <strong>nurse</strong>.</p>")) == \
        "Spend a morning with a nurse."
