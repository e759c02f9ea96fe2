"""Teacher-written rich text made safe to render: an allow-list, never a block-list.

nh3 (Rust's ammonia) parses the HTML like a browser would, keeps only the tags and attributes
below, drops ``<script>`` and ``<style>`` with their content, and keeps links only when they are
http, https or mailto (so no ``javascript:`` or ``data:``).
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = frozenset({"p", "div", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4",
                  "blockquote"})
"""What the task editor (Trix) writes: it makes paragraphs as ``div`` with ``br``."""
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_BEFORE_PUNCTUATION = re.compile(r" ([.,;:!?)])")


def sanitize(text: str) -> str:
    """The allowed part of ``text``; every kept link gets ``rel="noopener"``."""
    return nh3.clean(text, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener", strip_comments=True)


def plain_text(sanitized: str) -> str:
    """The words of already sanitised HTML, for search and for plain-text previews."""
    # Tags become spaces so "<p>a</p><p>b</p>" stays two words; a space that ends up before
    # punctuation ("a <strong>nurse</strong>.") is taken out again.
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", sanitized))).strip()
    return _BEFORE_PUNCTUATION.sub(r"\1", text)
