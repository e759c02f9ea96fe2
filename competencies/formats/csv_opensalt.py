"""OpenSALT's item spreadsheets: one row per CFItem, in the three layouts OpenSALT reads and writes.

- **smartLevel** (its CCSS ELA fixture): the tree is the ``smartLevel`` column ("3.6.2.1").
- **Spreadsheet template** (its "CF Item" sheet saved as CSV, and the ``children.csv`` test file):
  ``Identifier, fullStatement, HumanCodingScheme, sequenceNumber, …, Is Child Of, IsPartOf, …
  Is Related To``. ``Is Child Of`` names the parent by identifier or code.
- **Generic item CSV** (its ``test_items.csv`` and ``sample_parent_column.csv``): a few columns,
  the parent named in ``parent`` or ``IsChildOf`` (and ``IsChildOf Text``).

Column names are matched without case, spaces or underscores (the layouts spell them each their
own way). Where no parent is named, an item goes under the item whose code is its code minus the
last part (``A.B.C.L`` under ``A.B.C``), as the codes say, or at the top.

The real file (OpenSALT's CCSS ELA fixture) has Mac Roman mojibake, ``educationLevel`` lists
(``KG,01,02``, and ``09.10`` written with a dot), blank item types and times without a zone;
each is repaired or kept and reported, never fatal.

**Identity.** A UUID identifier is kept; anything else (an identifier like "Math.Fractions", or
for a row without one its smartLevel, code or statement) is derived within the framework, which
is identified by its title (the file's name: these sheets carry none) and its first top-level
row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.formats.completeness import Shape
from competencies.formats.mojibake import repair
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    SOURCE_IDENTIFIER,
    Row,
    SheetRefused,
    compact_header,
    open_sheet,
    refused,
    rejected,
    stable_identifier,
    title_from_name,
    untitled,
)
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

FORMAT = "opensalt-csv"
REQUIRED = ("fullstatement",)
TEXT_COLUMNS = ("fullstatement", "abbreviatedstatement", "notes", "humancodingscheme", "conceptkeywords")
PARENT_COLUMNS = ("ischildof", "parent", "ischildoftext")
ASSOCIATION_COLUMNS = {
    "ispartof": AssociationType.IS_PART_OF, "replacedby": AssociationType.REPLACED_BY,
    "exemplar": AssociationType.EXEMPLAR, "hasskilllevel": AssociationType.HAS_SKILL_LEVEL,
    "isexactmatchof": AssociationType.EXACT_MATCH_OF, "precedes": AssociationType.PRECEDES,
    "ispeerof": AssociationType.IS_PEER_OF, "isrelatedto": AssociationType.IS_RELATED_TO,
}
_SMART_LEVEL = re.compile(r"^\d+(\.\d+)*$")
_DOTTED_GRADES = re.compile(r"^(\d\d)\.(\d\d)$")
_FULL_TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


def _time_last(header: Sequence[str], cells: Sequence[str]) -> bool:
    # A full date and time in the last column (the smartLevel layout ends with one) cannot be
    # the stump of a cut: a cut inside it leaves no seconds.
    return compact_header(header[-1]) == "lastchangedatetime" and bool(_FULL_TIME.match(cells[-1].strip()))


SHAPE = Shape(last_cell_whole=_time_last)


@dataclasses.dataclass
class _Read:
    row: Row
    item: ItemRecord
    key: str
    """What identifies the row in the file: its identifier, else its smartLevel, code or text."""
    had_zone: bool


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, title: str | None = None) -> FrameworkPackage:
    """Read an OpenSALT item CSV into a package; bad rows are reported with line and column, and skipped."""
    deviations: list[Deviation] = []
    try:
        header, rows, name = open_sheet(source, max_bytes=max_bytes, required=REQUIRED,
                                         kind="OpenSALT", deviations=deviations, shape=SHAPE,
                                         header_names=compact_header)
    except SheetRefused as refusal:
        return refused(FORMAT, refusal)
    smart = "smartlevel" in header
    if not smart and not {"humancodingscheme", *PARENT_COLUMNS} & set(header):
        return _rejected("line 1", "an OpenSALT item sheet needs smartLevel, Is Child Of, parent or "
                         "humanCodingScheme to give the tree", deviations)

    found: list[_Read] = []
    keys: set[str] = set()
    levels: set[str] = set()
    for row in rows:
        read_row = _row(row, smart, deviations)
        if read_row is None:
            continue
        if smart and row.get("smartlevel") in levels:
            deviations.append(Deviation(_where(row, "smartlevel"),
                                        f"smartLevel {row.get('smartlevel')} repeats; row skipped"))
            continue
        if read_row.key in keys:
            deviations.append(Deviation(_where(row, "identifier"), "identifier repeats; row skipped"))
            continue
        keys.add(read_row.key)
        levels.add(row.get("smartlevel"))
        found.append(read_row)
    if not found:
        return _rejected("file", "no usable item rows", deviations)
    zoneless = sum(not entry.had_zone for entry in found)
    if zoneless:
        deviations.append(Deviation("column 'lastChangeDateTime'",
                                    f"{zoneless} times have no time zone; read as UTC"))

    parents = _smart_parents(found, deviations) if smart else _named_parents(found, deviations)
    framework_title = title or title_from_name(name) or untitled("OpenSALT items", deviations)
    # The first top-level row anchors the framework: a copy cut short keeps it (and so meets the
    # removal guard instead of becoming a second framework); an unrelated file does not.
    anchor = next((entry.key for entry in found if parents[entry.key][0] is None), found[0].key)
    framework = FrameworkRecord(identifier=case_uuid(f"{FORMAT}\x1f{' '.join(framework_title.casefold().split())}"
                                                     f"\x1f{anchor}"), title=framework_title)
    identifiers = {entry.key: stable_identifier(framework.identifier, entry.key) for entry in found}
    items = []
    for entry in found:
        entry.item.identifier = identifiers[entry.key]
        if entry.key != entry.item.identifier and not is_case_uuid(entry.key.lower()):
            entry.item.extra.setdefault(SOURCE_IDENTIFIER, entry.key)
        items.append(entry.item)
    associations = []
    for entry in found:
        parent, position = parents[entry.key]
        destination = framework.identifier if parent is None else identifiers[parent]
        associations.append(AssociationRecord(
            identifier=case_uuid(f"{FORMAT}\x1f{entry.item.identifier}\x1f{destination}"),
            association_type=AssociationType.IS_CHILD_OF.value,
            origin=entry.item.identifier, destination=destination, sequence=position))
    if not smart:
        associations += _other_links(found, identifiers, deviations)
    return FrameworkPackage(framework=framework, items=items, associations=associations,
                            deviations=deviations, source_format=FORMAT)


def _row(row: Row, smart: bool, deviations: list[Deviation]) -> _Read | None:
    texts: dict[str, str] = {}
    for column in TEXT_COLUMNS:
        fixed, reports = repair(row.get(column))
        texts[column] = fixed
        deviations.extend(Deviation(_where(row, column), report) for report in reports)
    if not texts["fullstatement"]:
        deviations.append(Deviation(_where(row, "fullstatement"), "empty fullStatement; row skipped"))
        return None
    level = row.get("smartlevel")
    if smart and not _SMART_LEVEL.match(level):
        deviations.append(Deviation(_where(row, "smartlevel"), f"smartLevel {level!r} is not like 1.2.3; "
                                    "row skipped"))
        return None
    source_id = row.get("identifier")
    if source_id and not is_case_uuid(source_id.lower()):
        deviations.append(Deviation(_where(row, "identifier"), f"{source_id!r} is not a UUID; a stable one is derived"))
    key = (source_id.lower() if is_case_uuid(source_id.lower()) else source_id) if source_id else (
        f"smartLevel {level}" if smart else texts["humancodingscheme"] or texts["fullstatement"])
    changed, had_zone = _time(row, deviations)
    extra = {"license": row.get("license")} if row.get("license") else {}
    enumeration = row.get("listenumeration") or None
    sequence_text = row.get("sequencenumber") or enumeration or ""
    return _Read(row, ItemRecord(
        identifier=key,  # replaced once the framework is known
        full_statement=texts["fullstatement"],
        human_coding_scheme=texts["humancodingscheme"] or None,
        abbreviated_statement=texts["abbreviatedstatement"] or None,
        item_type=row.get("cfitemtype") or None,
        education_levels=_grades(row, deviations),
        keywords=[word.strip() for word in texts["conceptkeywords"].split(",") if word.strip()],
        list_enumeration=enumeration,
        sequence=int(sequence_text) if sequence_text.isdigit() else None,
        language=row.get("language") or None,
        notes=texts["notes"] or None,
        last_change=changed,
        extra=extra,
        where=f"line {row.line}",
    ), key, had_zone)


_COLUMN_NAMES = {"fullstatement": "fullStatement", "smartlevel": "smartLevel", "humancodingscheme":
                 "humanCodingScheme", "abbreviatedstatement": "abbreviatedStatement", "conceptkeywords":
                 "conceptKeywords", "educationlevel": "educationLevel", "lastchangedatetime": "lastChangeDateTime",
                 "identifier": "identifier", "notes": "notes", "ischildof": "Is Child Of"}


def _where(row: Row, column: str) -> str:
    return row.where(_COLUMN_NAMES.get(column, column))


def _grades(row: Row, deviations: list[Deviation]) -> list[str]:
    grades: list[str] = []
    for part in (part.strip() for part in row.get("educationlevel").split(",")):
        dotted = _DOTTED_GRADES.match(part)
        if dotted:
            # OpenSALT's sheet writes a grade band with a dot ("09.10"), which CASE would read as one code.
            grades.extend(dotted.groups())
            deviations.append(Deviation(_where(row, "educationlevel"), f"{part!r} read as grades "
                                        f"{dotted.group(1)} and {dotted.group(2)}"))
        elif part:
            grades.append(part)
    return grades


def _time(row: Row, deviations: list[Deviation]) -> tuple[dt.datetime | None, bool]:
    text = row.get("lastchangedatetime")
    if not text:
        return None, True
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        deviations.append(Deviation(_where(row, "lastchangedatetime"), f"{text!r} is not a date and time; ignored"))
        return None, True
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC), False
    return moment, True


def _smart_parents(found: Sequence[_Read], deviations: list[Deviation]) -> dict[str, tuple[str | None, int | None]]:
    """Key → (parent key, place) from smartLevel: ``3.6.2`` is the 2nd child of ``3.6``."""
    by_level = {entry.row.get("smartlevel"): entry.key for entry in found}
    parents: dict[str, tuple[str | None, int | None]] = {}
    for entry in found:
        level = entry.row.get("smartlevel")
        parent_level, _, position = level.rpartition(".")
        ancestor = parent_level
        while ancestor and ancestor not in by_level:
            ancestor = ancestor.rpartition(".")[0]
        if parent_level and ancestor != parent_level:
            deviations.append(Deviation(_where(entry.row, "smartlevel"),
                                        f"parent {parent_level} is not in the file; placed under "
                                        f"{ancestor or 'the framework'}"))
        parents[entry.key] = (by_level[ancestor] if ancestor else None, int(position))
    return parents


def _named_parents(found: Sequence[_Read], deviations: list[Deviation]) -> dict[str, tuple[str | None, int | None]]:
    """Key → (parent key, place) from a parent column, else from the codes."""
    lookup = _lookup(found)
    parents: dict[str, tuple[str | None, int | None]] = {}
    derived = 0
    for entry in found:
        named = [entry.row.get(column) for column in PARENT_COLUMNS if entry.row.get(column)]
        parent = next((lookup[value] for value in named if value in lookup), None)
        if named and parent is None:
            deviations.append(Deviation(_where(entry.row, "ischildof"), f"parent {named[0]!r} is not in "
                                        "the file; placed at the top"))
        elif not named and entry.item.human_coding_scheme:
            code = entry.item.human_coding_scheme
            while "." in code and parent is None:
                code = code.rpartition(".")[0]
                parent = lookup.get(code)
            derived += parent is not None
        if parent == entry.key:
            deviations.append(Deviation(_where(entry.row, "ischildof"), "an item cannot be its own parent; "
                                        "placed at the top"))
            parent = None
        parents[entry.key] = (parent, entry.item.sequence)
    if derived:
        deviations.append(Deviation("column 'Is Child Of'", f"{derived} items name no parent; each is placed "
                                    "under the item whose code starts its own (A.B.C under A.B)"))
    _break_cycles(parents, found, deviations)
    return parents


def _lookup(found: Sequence[_Read]) -> dict[str, str]:
    """Identifier or code (as written, or a UUID in lower case) → key; identifiers win."""
    lookup: dict[str, str] = {}
    for entry in found:
        if entry.item.human_coding_scheme:
            lookup.setdefault(entry.item.human_coding_scheme, entry.key)
    for entry in found:
        source = entry.row.get("identifier")
        if source:
            lookup[source] = lookup[source.lower()] = entry.key
    return lookup


def _break_cycles(parents: dict[str, tuple[str | None, int | None]], found: Sequence[_Read],
                  deviations: list[Deviation]) -> None:
    for entry in found:
        seen = {entry.key}
        current = parents[entry.key][0]
        while current is not None:
            if current in seen:
                deviations.append(Deviation(_where(entry.row, "ischildof"), f"{entry.key!r} is its own "
                                            "ancestor; placed at the top"))
                parents[entry.key] = (None, parents[entry.key][1])
                break
            seen.add(current)
            current = parents[current][0]


def _other_links(found: Sequence[_Read], identifiers: dict[str, str],
                 deviations: list[Deviation]) -> list[AssociationRecord]:
    """The template's association columns (IsPartOf, Is Related To…): a comma list of identifiers or codes."""
    lookup = _lookup(found)
    links = []
    for entry in found:
        for column, kind in ASSOCIATION_COLUMNS.items():
            for value in filter(None, (part.strip() for part in entry.row.get(column).split(","))):
                if value not in lookup:
                    deviations.append(Deviation(_where(entry.row, column), f"{value!r} is not in the file; "
                                                f"that {kind} association is not kept"))
                    continue
                origin, destination = entry.item.identifier, identifiers[lookup[value]]
                links.append(AssociationRecord(
                    identifier=case_uuid(f"{FORMAT}\x1f{kind}\x1f{origin}\x1f{destination}"),
                    association_type=kind.value, origin=origin, destination=destination))
    return links


def _rejected(where: str, message: str, deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    return rejected(FORMAT, where, message, deviations)


register_reader(FORMAT, read)
