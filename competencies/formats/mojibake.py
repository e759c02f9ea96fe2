"""Repair text whose Mac Roman bytes were decoded as Latin-1 ("grades 9Ñ10" for "grades 9—10").

OpenSALT's CCSS spreadsheet carries this damage. A blind re-decode would also break honest
Latin-1 text (Spanish Ñ, French É), so only characters in a context where the Latin-1 reading
makes no sense are repaired, and each repair is returned so the reader can report it.
"""

from __future__ import annotations

import re

# Latin-1 character → the Mac Roman character the byte meant, with the context that betrays it.
_PATTERNS = [
    # C1 control characters never occur in text: any one is a Mac Roman letter (0x8E is é).
    re.compile(r"[\u0080-\u009f]"),
    # Dashes between numbers or grade bands: "9Ñ10", "11ÑCCR", "6Ð8".
    re.compile(r"(?<=\d)[\u00d1\u00d0](?=[\dA-Z])"),
    # An ellipsis after a word: "My favorite book isÉ)."
    re.compile(r"(?<=[a-z])\u00c9(?=[\W]|$)"),
    # Curly apostrophes inside words ("donÕt") and quotes around them ("ÒwordÓ").
    re.compile(r"(?<=[A-Za-z])[\u00d5\u00d4](?=[a-z])"),
    re.compile(r"(?:(?<=\s)|^)\u00d2(?=\w)"),
    re.compile(r"(?<=[\w.,!?])\u00d3"),
]


def _mac_roman(character: str) -> str:
    return character.encode("latin-1").decode("mac_roman")


def repair(text: str) -> tuple[str, list[str]]:
    """The repaired text and one description per repair (``"9Ñ10" → "9—10"``)."""
    if text.isascii():
        return text, []
    positions = sorted({m.start() for pattern in _PATTERNS for m in pattern.finditer(text)})
    if not positions:
        return text, []
    characters = list(text)
    for position in positions:
        characters[position] = _mac_roman(text[position])
    repaired = "".join(characters)
    reports = []
    for position in positions:
        start, end = max(0, position - 12), min(len(text), position + 12)
        reports.append(f"Mac Roman text read as Latin-1: {text[start:end]!r} → {repaired[start:end]!r}")
    return repaired, reports
