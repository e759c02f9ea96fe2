"""Walk a CFPackage's text one top-level value at a time, its two big arrays one entry at a time.

``json.loads`` builds the whole package before a single record exists: for a 50,000-item file
that is ~130 MB of dicts and strings next to the ~50 MB of text, then the records on top. Here
each ``CFItems`` and ``CFAssociations`` entry is decoded (by the json module's own C decoder,
``raw_decode``), handed over and dropped, so the dicts of one entry at a time are alive, never
all of them. Items and associations need nothing from the rest of the package to be read, so the
file's own key order does not matter. Anything not shaped as expected returns None, and the
caller reads the file the ordinary way (which also gives a located error for broken JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

OnEntry = Callable[[Any, int], None]

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _NotShaped(Exception):
    pass


def scan(text: str, arrays: dict[str, OnEntry]) -> dict[str, Any] | None:
    """The package's top-level values, with each array named in ``arrays`` handed entry by entry
    to its callback (and left as ``[]`` in the result); None if ``text`` is not a JSON object
    of that shape."""
    try:
        return _scan(text, arrays)
    except (_NotShaped, json.JSONDecodeError, IndexError, ValueError):
        return None


def _scan(text: str, arrays: dict[str, OnEntry]) -> dict[str, Any]:
    position = _skip(text, 0)
    _expect(text, position, "{")
    position = _skip(text, position + 1)
    package: dict[str, Any] = {}
    if text[position] == "}":
        return _end(text, position + 1, package)
    while True:
        _expect(text, position, '"')
        key, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        _expect(text, position, ":")
        position = _skip(text, position + 1)
        if key in arrays and text[position] == "[" and key not in package:
            position = _entries(text, position + 1, arrays[key])
            package[key] = []
        else:
            package[key], position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == "}":
            return _end(text, position + 1, package)
        _expect(text, position, ",")
        position = _skip(text, position + 1)


def _entries(text: str, position: int, on_entry: OnEntry) -> int:
    position = _skip(text, position)
    if text[position] == "]":
        return position + 1
    index = 0
    while True:
        value, position = _DECODER.raw_decode(text, position)
        on_entry(value, index)
        index += 1
        position = _skip(text, position)
        if text[position] == "]":
            return position + 1
        _expect(text, position, ",")
        position = _skip(text, position + 1)


def _end(text: str, position: int, package: dict[str, Any]) -> dict[str, Any]:
    if _skip(text, position) != len(text):
        raise _NotShaped("text after the package")
    return package


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _expect(text: str, position: int, char: str) -> None:
    if text[position] != char:
        raise _NotShaped(f"{char!r} expected at {position}")
