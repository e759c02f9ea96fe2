"""What the spreadsheet readers share: decoding, rows with line numbers, headers, stable identifiers.

Every reader reports a bad row as a :class:`Deviation` naming line and column and carries on; the
package is fatal only when nothing usable is left.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from competencies.formats import completeness, register_reader
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.formats.completeness import Shape
from competencies.package import Deviation, FrameworkPackage, FrameworkRecord

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SOURCE_IDENTIFIER = "source_identifier"
"""``ItemRecord.extra`` key keeping the source's own id when the identifier had to be derived."""

_OPTIONAL_SUFFIX = re.compile(r"\s*\((optional|required)\)\s*$", re.IGNORECASE)


class SourceTooLarge(ValueError):
    pass


def source_bytes(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes to read and the file's name ("" for bytes); a file over the limit is refused
    before it is read."""
    if isinstance(source, Path):
        size = source.stat().st_size
        if size > max_bytes:
            raise SourceTooLarge(f"{source.name} is {size:,} bytes, over the {max_bytes:,} byte limit")
        return source.read_bytes(), source.name
    if len(source) > max_bytes:
        raise SourceTooLarge(f"the upload is {len(source):,} bytes, over the {max_bytes:,} byte limit")
    return source, ""


_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")


def title_from_name(name: str) -> str:
    """A framework title from a file name, the last resort when the file names none:
    ``"Health Science outcomes (1).csv"`` → ``"Health Science outcomes"`` (browsers number
    repeated downloads; the copy is the same framework)."""
    return _COPY_SUFFIX.sub("", Path(name).stem).strip()


def untitled(kind: str, deviations: list[Deviation]) -> str:
    """The title of a framework read from bytes with no name and no title inside: said so."""
    deviations.append(Deviation("file", f"the file names no title and came without a file name; "
                                f"titled '{kind}' (rename it after the import)"))
    return kind


class SheetRefused(Exception):
    """The spreadsheet cannot be read at all: ``deviations`` say why (each fatal)."""

    def __init__(self, deviations: Sequence[Deviation]) -> None:
        super().__init__(deviations[0].message)
        self.deviations = list(deviations)


def open_sheet(source: bytes | Path, *, max_bytes: int, required: Sequence[str], kind: str,
               deviations: list[Deviation], shape: Shape = completeness.ANY, delimiter: str = ",",
               header_names: Callable[[str], str] | None = None,
               ) -> tuple[list[str], Iterator[Row], str]:
    """Header, rows and the file's name, or :class:`SheetRefused` (too large, not whole, or
    missing the ``required`` columns of a ``kind`` sheet); decoding problems go to ``deviations``.

    The text is checked whole (:mod:`completeness`) before a single row is read.
    """
    try:
        data, name = source_bytes(source, max_bytes=max_bytes)
    except SourceTooLarge as error:
        raise SheetRefused([Deviation("file", str(error), fatal=True)]) from None
    text = decode_text(data, deviations)
    del data
    header, rows = read_rows(text, delimiter=delimiter, deviations=deviations,
                             header_names=header_names)
    missing = missing_columns(header, required)
    if missing:
        raise SheetRefused([Deviation("line 1", f"missing {kind} columns: {', '.join(missing)}",
                                      fatal=True)])
    cut = completeness.check(text, delimiter=delimiter, shape=shape)
    if cut:
        raise SheetRefused(cut)
    return header, rows, name


def rejected(source_format: str, where: str, message: str,
             deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    """A package that says only why nothing could be read."""
    return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                            deviations=[*deviations, Deviation(where, message, fatal=True)],
                            source_format=source_format)


def refused(source_format: str, refusal: SheetRefused,
            deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    """A package that carries a :class:`SheetRefused`'s reasons."""
    return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                            deviations=[*deviations, *refusal.deviations],
                            source_format=source_format)


def decode_text(data: bytes, deviations: list[Deviation]) -> str:
    """UTF-8 (with or without a BOM); a file that is not is read as Windows-1252 and reported."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        deviations.append(Deviation(
            f"byte {error.start}", "not UTF-8; read as Windows-1252 (save the file as UTF-8 to be sure)"))
        return data.decode("cp1252", errors="replace")


@dataclasses.dataclass(frozen=True)
class Row:
    line: int
    """The line where the row starts (a quoted cell may span lines)."""
    cells: Mapping[str, str]
    values: Sequence[str] = ()
    """The raw cells in order, for formats with unnamed trailing columns (Canvas's ratings pairs)."""

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def where(self, column: str) -> str:
        return f"line {self.line}, column '{column}'"


def normalise_header(name: str) -> str:
    """``"Rule type (optional)"`` → ``"rule type"``: exports label some columns, imports do not."""
    return _OPTIONAL_SUFFIX.sub("", name.strip().lstrip("\ufeff")).strip().lower()


def read_rows(text: str, *, delimiter: str = ",", deviations: list[Deviation] | None = None,
              header_names: Callable[[str], str] | None = None,
              ) -> tuple[list[str], Iterator[Row]]:
    """The header (normalised) and the data rows with the line each starts on.

    A row the csv module cannot parse (a cell over its 128 KiB limit, say) ends the reading with a
    deviation; the rows before it are kept.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error):
        return [], iter(())
    header = [(header_names or normalise_header)(name) for name in raw_header]

    def rows() -> Iterator[Row]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if deviations is not None:
                    deviations.append(Deviation(f"line {line}", f"{error}; the rest of the file was not read"))
                return
            if any(value.strip() for value in values):
                yield Row(line, dict(zip(header, values, strict=False)), values)
            line = reader.line_num + 1

    return header, rows()


def missing_columns(header: Sequence[str], required: Sequence[str]) -> list[str]:
    return [column for column in required if column not in header]


def compact_header(name: str) -> str:
    """``"Is Child Of"``, ``"isChildOf"``, ``"is_child_of"`` → ``"ischildof"``: layouts written
    by hand or by different versions of a tool spell the same column differently."""
    return re.sub(r"[^a-z0-9*]", "", normalise_header(name))


def stable_identifier(scope: str, local_id: str) -> str:
    """A source id that is already a CASE UUID stays; any other becomes a uuid5 within its framework."""
    return local_id.lower() if is_case_uuid(local_id.lower()) else case_uuid(f"{scope}\x1f{local_id}")


def parent_first(identifiers: Sequence[str], parents: Mapping[str, Sequence[str]]) -> list[str]:
    """Order items so every parent comes before its children (LMS imports need the parent first).

    Items whose parents are unknown count as roots; items caught in a cycle come last, in the given order.
    """
    known = set(identifiers)
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for identifier in identifiers:
        own = [parent for parent in parents.get(identifier, ()) if parent in known]
        if not own:
            roots.append(identifier)
        for parent in own:
            children.setdefault(parent, []).append(identifier)
    ordered: list[str] = []
    placed: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        identifier = stack.pop()
        if identifier in placed:
            continue
        placed.add(identifier)
        ordered.append(identifier)
        stack.extend(reversed(children.get(identifier, [])))
    ordered.extend(identifier for identifier in identifiers if identifier not in placed)
    return ordered


def write_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 CSV with CRLF line ends, as both LMSs' importers expect from a spreadsheet export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


LAYOUTS = (
    ("Canvas outcomes", "vendor_guid, object_type, title (parent_guids, description, display_name, "
                        "calculation_method, calculation_int, workflow_state and ratings optional)"),
    ("Moodle competency framework", "Parent ID number, ID number, Short name, Is framework "
                                    "(the other tool_lpimportcsv columns optional)"),
    ("OpenSALT smartLevel", "fullStatement, smartLevel"),
    ("OpenSALT spreadsheet template", "fullStatement, Is Child Of (Identifier, HumanCodingScheme, "
                                      "sequenceNumber and the association columns optional)"),
    ("OpenSALT generic item CSV", "fullStatement with parent or humanCodingScheme"),
    ("O*NET occupations", "O*NET-SOC Code, Title, Description"),
)
"""Every CSV layout the header can name, and the columns it must have, for the refusal message."""


def read_any_csv(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FrameworkPackage:
    """Pick the CSV reader from the header row: Canvas, Moodle, OpenSALT or O*NET's occupation list."""
    # Imported here: each of these modules imports this one.
    from competencies.formats import csv_canvas, csv_moodle, csv_opensalt, onet

    try:
        data, _ = source_bytes(source, max_bytes=max_bytes)
    except SourceTooLarge as error:
        return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                                deviations=[Deviation("file", str(error), fatal=True)])
    header, _ = read_rows(decode_text(data[:65536], []).split("\n", 1)[0] + "\n",
                          header_names=compact_header)
    columns = set(header)
    # The reader gets the path when there is one: a title may come from the file's name.
    given = source if isinstance(source, Path) else data
    if "vendorguid" in columns:
        return csv_canvas.read(given, max_bytes=max_bytes)
    if "isframework" in columns:
        return csv_moodle.read(given, max_bytes=max_bytes)
    if "fullstatement" in columns:
        return csv_opensalt.read(given, max_bytes=max_bytes)
    if "o*netsoccode" in columns:
        return onet.read(given, max_bytes=max_bytes)
    known = "; ".join(f"{name}: {columns_}" for name, columns_ in LAYOUTS)
    return FrameworkPackage(
        framework=FrameworkRecord(identifier="", title=""), source_format="csv",
        deviations=[Deviation("line 1", f"the header ({', '.join(header[:8]) or 'empty'}) matches no "
                              f"known CSV layout. Known layouts and the columns each needs: {known}",
                              fatal=True)])


register_reader("csv", read_any_csv, [".csv"])
