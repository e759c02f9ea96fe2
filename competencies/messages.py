"""Marks English text that people read, so the shell can translate it where it shows it.

The domain never translates (it knows no request and no locale); it only marks its words with
``N_`` so that the message extractor puts them in the catalogue. The shell passes the marked
text through ``gettext`` at display time.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Return ``message`` unchanged; marks it for the translation catalogue."""
    return message
