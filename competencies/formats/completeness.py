"""Is a delimited file whole? Checked on the text before any row becomes an item.

A file cut off by a failed download or an attachment limit still parses: the csv module reads a
half row, or a quoted cell that never closes, as if it were data. So before a reader looks at a
row, the whole text is checked, and any of these refuses the file with the place it was found:

1. **Quotes balance.** The file must not end inside a quoted cell. (A cut inside a quoted
   statement otherwise swallows the rest of the file into one cell.)
2. **Every row has its cells.** Each row has at least as many cells as the header names columns
   (trailing header cells without a name may be left off), and no non-empty cells past the
   header unless the layout allows a variable tail (Canvas's ratings pairs).
3. **The last line ends.** A file normally ends with a line break, and a cut almost never falls
   just after one. A file without it is whole only if its last row *proves* it is: it has all
   its cells and its last cell holds a value the layout fixes (``last_cell_whole``: O*NET's
   ``Domain Source`` vocabulary, Moodle's empty ``Taxonomy`` on competency rows, a full date
   and time, Canvas's empty ratings). Anything else, such as a bare statement that may have
   lost its end, is refused with a message saying how to mark the file whole (end it with a
   line break: Google Sheets' CSV download leaves it off). Not even a closing quote at the
   very end proves it: the cut may fall between the two quotes of an escaped pair.

What no check on the text can see: a cut that falls exactly at a line break leaves a file that is
whole in form. That case is caught on re-import by the removal guard
(:mod:`competencies.importing.removals`), which refuses to retire or delete more than a set
share of a framework's items unless the operator confirms it. None of the layouts read here
declares its own row count, so there is no count to compare with.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Sequence

from competencies.package import Deviation

LastCellCheck = Callable[[Sequence[str], Sequence[str]], bool]
"""Given the header and the last row's cells: does the last cell hold a complete value?"""


@dataclasses.dataclass(frozen=True)
class Shape:
    """What a layout promises about its rows, beyond what its header says."""

    variable_tail: bool = False
    """Rows may run past the header (Canvas's ratings: any number of points/description pairs)."""
    named_until: str | None = None
    """The header cell where the named columns end (Canvas: ``ratings``); rows must have every
    cell before it. By default a row must have every named header column."""
    last_cell_whole: LastCellCheck | None = None


ANY = Shape()
"""A layout that promises nothing beyond its header."""


def check(text: str, *, delimiter: str = ",", shape: Shape | None = None) -> list[Deviation]:
    """Fatal deviations, one per place, that show ``text`` is not a whole file; empty if it is."""
    shape = shape or ANY
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return []
    names = [name.strip().lower() for name in header]
    if shape.named_until is not None and shape.named_until in names:
        named = names.index(shape.named_until)
    else:
        named = max((index + 1 for index, name in enumerate(names) if name), default=0)
    width = len(header)
    problems: list[Deviation] = []
    last: tuple[int, list[str]] | None = None
    line = reader.line_num + 1
    try:
        for cells in reader:
            last = (line, cells)  # blank or not: a cut can leave just a few delimiters
            if any(cell.strip() for cell in cells):
                if len(cells) < named:
                    problems.append(_short(line, cells, header, named))
                elif not shape.variable_tail and any(cell.strip() for cell in cells[width:]):
                    problems.append(Deviation(
                        f"line {line}, column {width + 1}",
                        f"{len(cells)} cells where the header has {width}: a delimiter or quote "
                        "is out of place, so the cells after it would land in the wrong columns",
                        fatal=True))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(Deviation(f"line {line}", f"unreadable ({error})", fatal=True))
        return problems
    if last is None:
        return problems
    last_line, cells = last
    if not cells:
        cells = [""]
    tail = _tail(text, last_line)
    open_at = _open_quote(tail, delimiter)
    if open_at is not None:
        column = len(cells) - 1  # the open cell runs to the end, so it is the row's last
        name = header[column] if column < len(header) and header[column].strip() else str(column + 1)
        opened = last_line + tail[:open_at].count("\n")
        problems = [p for p in problems if not p.where.startswith(f"line {last_line}")]
        problems.append(Deviation(
            f"line {opened}, column '{name.strip()}'",
            "a quoted cell opens here and the file ends before it closes: the file is cut off "
            "(or a closing quote is missing); nothing was imported", fatal=True))
    elif not text.endswith(("\n", "\r")) and not _proves_whole(tail, header, cells, named, shape,
                                                                  delimiter):
        problems = [p for p in problems if not p.where.startswith(f"line {last_line}")]
        problems.append(Deviation(
            f"line {last_line}",
            "the file ends in this row without a line break, and the row cannot be shown whole "
            f"({len(cells)} of {max(named, 1)} cells, last cell {_clip(cells[-1])!r}): the file "
            "looks cut off; nothing was imported. If the file is whole, end it with a line break "
            "(Google Sheets' CSV download leaves it off) and import it again", fatal=True))
    return problems


def _short(line: int, cells: Sequence[str], header: Sequence[str], named: int) -> Deviation:
    missing = [name.strip() or str(index + 1) for index, name in enumerate(header[len(cells):named],
                                                                          start=len(cells))]
    return Deviation(
        f"line {line}, column '{missing[0]}'",
        f"{len(cells)} cells where the header names {named}: the row ends before "
        f"{', '.join(repr(name) for name in missing[:3])}{' …' if len(missing) > 3 else ''}",
        fatal=True)


def _proves_whole(tail: str, header: Sequence[str], cells: Sequence[str], named: int,
                  shape: Shape, delimiter: str) -> bool:
    needed = len(header) if shape.variable_tail else named
    if len(cells) < needed:
        return False
    # A closing quote at the very end proves nothing: the cut may fall between the two quotes
    # of an escaped pair ("say ""hi""" cut to "say "). Only a value the layout fixes does.
    return shape.last_cell_whole is not None and shape.last_cell_whole(header, cells)


def _tail(text: str, line: int) -> str:
    """The text from the start of physical line ``line`` (1-based) to the end of the file."""
    # Walk back from the end over the line breaks at or after the line's start, then one more.
    position = len(text)
    for _ in range(text.count("\n") - (line - 1) + 1):
        position = text.rfind("\n", 0, position)
        if position < 0:
            break
    return text[position + 1:]


def _open_quote(row_text: str, delimiters: str) -> int | None:
    """Where the quoted cell still open at the end of ``row_text`` began, or None.

    Follows the csv module's reading (doubled quotes inside a quoted cell are one quote; a quote
    that does not start a cell is plain text), so it agrees with how the rows were read.
    """
    in_quotes = False
    opened = 0
    at_cell_start = True
    index, end = 0, len(row_text)
    while index < end:
        char = row_text[index]
        if in_quotes:
            if char == '"':
                if index + 1 < end and row_text[index + 1] == '"':
                    index += 1
                else:
                    in_quotes = False
        elif char == '"' and at_cell_start:
            in_quotes, opened = True, index
        at_cell_start = not in_quotes and char in delimiters + "\r\n"
        index += 1
    return opened if in_quotes else None


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
