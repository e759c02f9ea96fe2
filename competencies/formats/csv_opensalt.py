"""OpenSALT-style CASE item CSV: one row per CFItem, the tree given by ``smartLevel`` ("3.6.2.1").

The real file (OpenSALT's CCSS ELA fixture) has Mac Roman mojibake, ``educationLevel`` lists
(``KG,01,02``, and ``09.10`` written with a dot), blank item types and times without a zone;
each is repaired or kept and reported, never fatal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.formats.mojibake import repair
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    SOURCE_IDENTIFIER,
    Row,
    SheetRefused,
    open_sheet,
    rejected,
    stable_identifier,
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
REQUIRED = ("fullstatement", "smartlevel")
TEXT_COLUMNS = ("fullstatement", "abbreviatedstatement", "notes", "humancodingscheme", "conceptkeywords")
_SMART_LEVEL = re.compile(r"^\d+(\.\d+)*$")
_DOTTED_GRADES = re.compile(r"^(\d\d)\.(\d\d)$")


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, title: str | None = None) -> FrameworkPackage:
    """Read an OpenSALT item CSV into a package; bad rows are reported with line and column, and skipped."""
    deviations: list[Deviation] = []
    try:
        header, rows, name = open_sheet(source, max_bytes=max_bytes, required=REQUIRED,
                                         kind="OpenSALT", deviations=deviations)
    except SheetRefused as refused:
        return _rejected(refused.where, refused.message)

    items: list[ItemRecord] = []
    by_level: dict[str, ItemRecord] = {}
    seen: set[str] = set()
    zoneless = 0
    for row in rows:
        item, had_zone = _item(row, deviations)
        if item is None:
            continue
        level = row.get("smartlevel")
        if level in by_level:
            deviations.append(Deviation(row.where("smartLevel"), f"smartLevel {level} repeats; row skipped"))
            continue
        if item.identifier in seen:
            deviations.append(Deviation(row.where("identifier"), "identifier repeats; row skipped"))
            continue
        zoneless += not had_zone
        by_level[level] = item
        seen.add(item.identifier)
        items.append(item)
    if not items:
        return _rejected("file", "no usable item rows", deviations)
    if zoneless:
        deviations.append(Deviation("column 'lastChangeDateTime'",
                                    f"{zoneless} times have no time zone; read as UTC"))

    tops = sorted(item.identifier for level, item in by_level.items() if "." not in level)
    framework = FrameworkRecord(
        identifier=case_uuid(f"{FORMAT}\x1f{' '.join(tops)}"),
        title=title or Path(name).stem,
    )
    associations = _tree(by_level, framework.identifier, deviations)
    return FrameworkPackage(framework=framework, items=items, associations=associations,
                            deviations=deviations, source_format=FORMAT)


def _item(row: Row, deviations: list[Deviation]) -> tuple[ItemRecord | None, bool]:
    texts: dict[str, str] = {}
    for column in TEXT_COLUMNS:
        fixed, reports = repair(row.get(column))
        texts[column] = fixed
        deviations.extend(Deviation(_where(row, column), report) for report in reports)
    level = row.get("smartlevel")
    if not texts["fullstatement"]:
        deviations.append(Deviation(_where(row, "fullstatement"), "empty fullStatement; row skipped"))
        return None, True
    if not _SMART_LEVEL.match(level):
        deviations.append(Deviation(_where(row, "smartlevel"), f"smartLevel {level!r} is not like 1.2.3; "
                                    "row skipped"))
        return None, True
    source_id = row.get("identifier")
    if source_id and not is_case_uuid(source_id.lower()):
        deviations.append(Deviation(_where(row, "identifier"), f"{source_id!r} is not a UUID; a stable one is derived"))
    identifier = stable_identifier(FORMAT, source_id or f"smartLevel {level}")
    changed, had_zone = _time(row, deviations)
    extra = {SOURCE_IDENTIFIER: source_id} if source_id and identifier != source_id.lower() else {}
    if row.get("license"):
        extra["license"] = row.get("license")
    enumeration = row.get("listenumeration") or None
    return ItemRecord(
        identifier=identifier,
        full_statement=texts["fullstatement"],
        human_coding_scheme=texts["humancodingscheme"] or None,
        abbreviated_statement=texts["abbreviatedstatement"] or None,
        item_type=row.get("cfitemtype") or None,
        education_levels=_grades(row, deviations),
        keywords=[word.strip() for word in texts["conceptkeywords"].split(",") if word.strip()],
        list_enumeration=enumeration,
        sequence=int(enumeration) if enumeration and enumeration.isdigit() else None,
        language=row.get("language") or None,
        notes=texts["notes"] or None,
        last_change=changed,
        extra=extra,
        where=f"line {row.line}",
    ), had_zone


_COLUMN_NAMES = {"fullstatement": "fullStatement", "smartlevel": "smartLevel", "humancodingscheme":
                 "humanCodingScheme", "abbreviatedstatement": "abbreviatedStatement", "conceptkeywords":
                 "conceptKeywords", "educationlevel": "educationLevel", "lastchangedatetime": "lastChangeDateTime",
                 "identifier": "identifier", "notes": "notes"}


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


def _tree(by_level: dict[str, ItemRecord], framework_id: str,
          deviations: list[Deviation]) -> list[AssociationRecord]:
    links = []
    for level, item in by_level.items():
        parent_level, _, position = level.rpartition(".")
        parent = framework_id
        if parent_level:
            ancestor = parent_level
            while ancestor and ancestor not in by_level:
                ancestor = ancestor.rpartition(".")[0]
            if ancestor != parent_level:
                deviations.append(Deviation(f"{item.where}, column 'smartLevel'",
                                            f"parent {parent_level} is not in the file; placed under "
                                            f"{ancestor or 'the framework'}"))
            if ancestor:
                parent = by_level[ancestor].identifier
        links.append(AssociationRecord(
            identifier=case_uuid(f"{FORMAT}\x1f{item.identifier}\x1f{parent}"),
            association_type=AssociationType.IS_CHILD_OF.value,
            origin=item.identifier, destination=parent, sequence=int(position)))
    return links


def _rejected(where: str, message: str, deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    return rejected(FORMAT, where, message, deviations)


register_reader(FORMAT, read)
