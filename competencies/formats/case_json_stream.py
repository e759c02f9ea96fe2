"""Walk a CFPackage's text one top-level value at a time, its two big arrays one entry at a time.

A file is read in chunks (:func:`scan_file`), so neither its whole text nor its whole parse is
ever in memory.

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
from typing import Any, TextIO

OnEntry = Callable[[Any, int], None]
CHUNK = 1 << 20
"""Characters read at a time by :func:`scan_file`: the file's text is never held whole. The
window holds up to two chunks and is copied as it grows: 4 MB chunks put ~15 MB more on the
peak of a 50,000-item import than 1 MB ones, which read as fast."""

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


def scan_file(stream: TextIO, arrays: dict[str, OnEntry]) -> dict[str, Any] | None:
    """:func:`scan` over an open text file, read ``CHUNK`` characters at a time."""
    try:
        return _scan(_Window(stream), arrays)
    except (_NotShaped, json.JSONDecodeError, IndexError, ValueError):  # UnicodeDecodeError too
        return None


class _Window:
    """The part of a file not yet read past, indexed as if it were the whole text.

    ``raw_decode`` needs a value whole in one string, so a value that runs past the window's
    end is decoded again once more of the file is in; what lies before the current value is
    dropped as the window moves on.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.start = 0
        """The file position of ``text[0]``."""
        self.ended = False

    def __getitem__(self, position: int) -> str:
        while position - self.start >= len(self.text):
            if not self.more():
                raise IndexError(position)
        return self.text[position - self.start]

    def more(self) -> bool:
        chunk = "" if self.ended else self.stream.read(CHUNK)
        self.ended = not chunk
        self.text += chunk
        return bool(chunk)

    def forget(self, position: int) -> None:
        """Drop the text before ``position`` (a value there will not be read again)."""
        if position - self.start > CHUNK:
            self.text = self.text[position - self.start:]
            self.start = position

    def skip(self, position: int) -> int:
        while True:
            local = position - self.start
            match = _SPACE.match(self.text, local) if local < len(self.text) else None
            end = match.end() if match else local
            if end < len(self.text) or not self.more():
                return end + self.start

    def decode(self, position: int) -> tuple[Any, int]:
        self.forget(position)
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, position - self.start)
            except json.JSONDecodeError:
                if self.more():
                    continue
                raise
            if end < len(self.text) or self.ended or not isinstance(value, (int, float)):
                return value, end + self.start
            if not self.more():  # a number at the window's end may go on in the next chunk
                return value, end + self.start

    def at_end(self, position: int) -> bool:
        return self.skip(position) - self.start >= len(self.text) and not self.more()


def _scan(source: str | _Window, arrays: dict[str, OnEntry]) -> dict[str, Any]:
    text: _Window | _Whole = source if isinstance(source, _Window) else _Whole(source)
    position = text.skip(0)
    _expect(text, position, "{")
    position = text.skip(position + 1)
    package: dict[str, Any] = {}
    if text[position] == "}":
        return _end(text, position + 1, package)
    while True:
        _expect(text, position, '"')
        key, position = text.decode(position)
        position = text.skip(position)
        _expect(text, position, ":")
        position = text.skip(position + 1)
        if key in arrays and text[position] == "[" and key not in package:
            position = _entries(text, position + 1, arrays[key])
            package[key] = []
        else:
            package[key], position = text.decode(position)
        position = text.skip(position)
        if text[position] == "}":
            return _end(text, position + 1, package)
        _expect(text, position, ",")
        position = text.skip(position + 1)


def _entries(text: _Window | _Whole, position: int, on_entry: OnEntry) -> int:
    position = text.skip(position)
    if text[position] == "]":
        return position + 1
    index = 0
    while True:
        value, position = text.decode(position)
        on_entry(value, index)
        index += 1
        position = text.skip(position)
        if text[position] == "]":
            return position + 1
        _expect(text, position, ",")
        position = text.skip(position + 1)


def _end(text: _Window | _Whole, position: int, package: dict[str, Any]) -> dict[str, Any]:
    if not text.at_end(position):
        raise _NotShaped("text after the package")
    return package


class _Whole:
    """A whole text behind the same few operations as a :class:`_Window`."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __getitem__(self, position: int) -> str:
        return self.text[position]

    def skip(self, position: int) -> int:
        match = _SPACE.match(self.text, position)
        return match.end() if match else position

    def decode(self, position: int) -> tuple[Any, int]:
        value, end = _DECODER.raw_decode(self.text, position)
        return value, end

    def at_end(self, position: int) -> bool:
        return self.skip(position) == len(self.text)


def _expect(text: _Window | _Whole, position: int, char: str) -> None:
    if text[position] != char:
        raise _NotShaped(f"{char!r} expected at {position}")
