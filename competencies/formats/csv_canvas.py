"""Canvas outcomes CSV: read and write.

Columns (Canvas ``lib/outcomes/csv_importer.rb`` and its import documentation): required
``vendor_guid``, ``object_type`` (group|outcome), ``title``; optional ``parent_guids``
(space-separated; none means a top-level row), ``canvas_id``, ``course_id``, ``description``,
``display_name``, ``calculation_method``, ``calculation_int``, ``workflow_state``; then a
``ratings`` header whose cells, and the unnamed cells after it, are (points, description) pairs
in descending points. Canvas refuses any other column, so nothing of Worklink's own can travel
in the file.

**Texts.** Canvas has three: ``title``, ``display_name`` ("friendly name") and ``description``.
Files put the code in either of the first two (Canvas's own sample: title "Learning Standard",
display name "LS-100"; state exports: title "CCSS.ELA-Literacy.RL.1.1"). So a cell that looks
like a code (one word with a digit: :func:`looks_like_code`) is the item's code, the display
name first; the title, when it is not the code, is the abbreviated statement; the description is
the statement. The writer does the reverse, so what it writes reads back the same.

**Identity.** ``vendor_guid`` is unique only within the account that made the file, so an
item's identifier is derived from its guid *within its framework*; a guid that is already a
UUID is kept (Worklink's own exports write the identifiers it holds). The framework is:

- the file's one top-level group, when there is exactly one (Canvas has no framework object; a
  top group is what holds a framework there): its title, description and guid name the
  framework, and its guid (with its title, unless the guid is a UUID) identifies it;
- otherwise a framework titled after the file, identified by that title and the guid of the
  first top-level row (a copy cut short keeps its first row, so it meets the removal guard
  rather than becoming a second framework).

So re-importing a file (or a later export of the same Canvas folder) updates the framework in
place, and two unrelated files that happen to use the same guids import as two frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.formats.completeness import Shape
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    SOURCE_IDENTIFIER,
    Row,
    SheetRefused,
    open_sheet,
    parent_first,
    refused,
    rejected,
    stable_identifier,
    title_from_name,
    untitled,
    write_csv,
)
from competencies.mastery.calculation import Calculation, CalculationMethod
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    ScaleLevelRecord,
)

FORMAT = "canvas-csv"
REQUIRED = ("vendor_guid", "object_type", "title")
OPTIONAL = ("parent_guids", "canvas_id", "course_id", "description", "display_name",
            "calculation_method", "calculation_int", "workflow_state", "mastery_points")
WRITTEN = ("vendor_guid", "object_type", "title", "description", "display_name",
           "calculation_method", "calculation_int", "parent_guids", "workflow_state")
GROUP = "group"
OUTCOME = "outcome"
_CODE = re.compile(r"^(?=.*\d)\S{1,40}$")


def looks_like_code(text: str | None) -> bool:
    """One word of at most 40 characters with a digit in it: ``RL.1.1``, ``LS-100``, ``29-1141.00``."""
    return bool(text) and _CODE.match(text or "") is not None


def _no_ratings(header: Sequence[str], cells: Sequence[str]) -> bool:
    # A last row that reaches the header's full width with nothing in its ratings cells cannot
    # have lost a rating to a cut: a cut before the first rating leaves fewer cells.
    if "ratings" not in header:
        return False  # the last cell is a named one (a title, a state…): it may have lost its end
    return not any(cell.strip() for cell in cells[header.index("ratings"):])


SHAPE = Shape(variable_tail=True, named_until="ratings", last_cell_whole=_no_ratings)


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, title: str | None = None) -> FrameworkPackage:
    """Read a Canvas outcomes CSV; each bad row is reported with its line and skipped."""
    deviations: list[Deviation] = []
    try:
        header, rows, name = open_sheet(source, max_bytes=max_bytes, required=REQUIRED,
                                         kind="required Canvas", deviations=deviations,
                                         shape=SHAPE)
    except SheetRefused as refusal:
        return refused(FORMAT, refusal)
    named_end = header.index("ratings") if "ratings" in header else len(header)
    for column in header[:named_end]:
        if column not in REQUIRED and column not in OPTIONAL:
            deviations.append(Deviation(f"line 1, column '{column}'", "not a Canvas outcomes column; ignored"))

    kept: list[tuple[Row, str, str]] = []  # row, guid, kind
    seen: set[str] = set()
    for row in rows:
        found = _usable(row, deviations)
        if found is None:
            continue
        guid, kind = found
        if guid in seen:
            deviations.append(Deviation(row.where("vendor_guid"), f"vendor_guid {guid!r} repeats; row skipped"))
            continue
        seen.add(guid)
        kept.append((row, guid, kind))
    if not kept:
        return _rejected("file", "no usable outcome or group rows", deviations)

    top = [entry for entry in kept if not entry[0].get("parent_guids")]
    framework_row = top[0] if len(top) == 1 and top[0][2] == GROUP else None
    if framework_row is not None:
        row, guid, _ = framework_row
        framework_title = title or row.get("title")
        framework = FrameworkRecord(
            identifier=guid.lower() if is_case_uuid(guid.lower())
            else case_uuid(f"canvas-outcomes\x1f{guid}\x1f{_key(framework_title)}"),
            title=framework_title, description=row.get("description") or None)
        kept = [entry for entry in kept if entry is not framework_row]
    else:
        framework_title = title or title_from_name(name) or untitled("Canvas outcomes", deviations)
        # The first top-level row anchors the framework: a copy cut short keeps it (so it meets
        # the removal guard instead of becoming a second framework), an unrelated file does not.
        anchor = top[0][1] if top else kept[0][1]
        framework = FrameworkRecord(
            identifier=case_uuid(f"canvas-outcomes\x1f{_key(framework_title)}\x1f{anchor}"),
            title=framework_title)

    by_guid = {guid: stable_identifier(framework.identifier, guid) for _, guid, _ in kept}
    if framework_row is not None:
        by_guid[framework_row[1]] = framework.identifier
    items: list[ItemRecord] = []
    parents_of: dict[str, list[tuple[str, str]]] = {}
    for row, guid, kind in kept:
        item = _item(row, by_guid[guid], guid, kind, named_end, deviations)
        items.append(item)
        parents_of[item.identifier] = [(parent, row.where("parent_guids"))
                                       for parent in row.get("parent_guids").split()]
    if not items:
        return _rejected("file", "the file holds one group and nothing in it", deviations)
    associations = _parent_links(items, parents_of, by_guid, framework.identifier, deviations)
    return FrameworkPackage(framework=framework, items=items, associations=associations,
                            scale=_shared_scale(items), deviations=deviations, source_format=FORMAT)


def _key(title: str) -> str:
    return " ".join(title.casefold().split())


def _usable(row: Row, deviations: list[Deviation]) -> tuple[str, str] | None:
    guid = row.get("vendor_guid")
    kind = row.get("object_type").lower()
    if not guid:
        deviations.append(Deviation(row.where("vendor_guid"), "empty vendor_guid; row skipped"))
        return None
    if kind not in (GROUP, OUTCOME):
        deviations.append(Deviation(row.where("object_type"), f"object_type {kind!r} is not group or outcome; "
                                    "row skipped"))
        return None
    if not row.get("title"):
        deviations.append(Deviation(row.where("title"), "empty title; row skipped"))
        return None
    if row.get("workflow_state").lower() == "deleted":
        deviations.append(Deviation(row.where("workflow_state"), f"{guid!r} is marked deleted; not imported"))
        return None
    return guid, kind


def _item(row: Row, identifier: str, guid: str, kind: str, named_end: int,
          deviations: list[Deviation]) -> ItemRecord:
    title, display, description = row.get("title"), row.get("display_name"), row.get("description")
    code = display if looks_like_code(display) else title if looks_like_code(title) else None
    abbreviated = None if code == title else title
    shown = None if code == display else display or None
    extra: dict[str, Any] = {SOURCE_IDENTIFIER: guid}
    if shown:
        extra["display_name"] = shown
    for column in ("canvas_id", "course_id"):
        if row.get(column):
            extra[column] = row.get(column)
    if kind == OUTCOME:
        extra.update(_calculation(row, deviations))
        mastery = row.get("mastery_points")
        if mastery:
            try:
                extra["mastery_points"] = float(mastery)
            except ValueError:
                deviations.append(Deviation(row.where("mastery_points"), f"{mastery!r} is not a number; ignored"))
        ratings = _ratings(row, named_end, deviations)
        if ratings:
            extra["ratings"] = ratings
    if not description:
        # Only a title (and perhaps a code): the title is the statement.
        description, abbreviated = abbreviated or title, None
    return ItemRecord(
        identifier=identifier,
        full_statement=description,
        human_coding_scheme=code,
        abbreviated_statement=abbreviated,
        item_type=kind,
        extra=extra,
        where=f"line {row.line}",
    )


def _calculation(row: Row, deviations: list[Deviation]) -> dict[str, Any]:
    method_name, int_text = row.get("calculation_method"), row.get("calculation_int")
    if not method_name:
        if int_text:
            deviations.append(Deviation(row.where("calculation_int"), "calculation_int without a method; ignored"))
        return {}
    try:
        method = CalculationMethod.parse(method_name)
        calculation = Calculation(method, int(int_text) if int_text else None)
    except ValueError as error:
        deviations.append(Deviation(row.where("calculation_method"), f"{error}; the outcome keeps no method"))
        return {}
    # Kept as the file spells it: ``decaying_average`` and ``weighted_average`` behave alike
    # (CalculationMethod.parse) but are different words in Canvas, and an export says the same.
    found: dict[str, Any] = {"calculation_method": method_name.strip().lower()}
    if int_text:
        found["calculation_int"] = calculation.calculation_int
    return found


def _ratings(row: Row, named_end: int, deviations: list[Deviation]) -> list[list[Any]]:
    cells = list(row.values[named_end:])
    while cells and not cells[-1].strip():
        cells.pop()
    ratings: list[list[Any]] = []
    for tier, start in enumerate(range(0, len(cells), 2), start=1):
        points_text = cells[start].strip()
        description = cells[start + 1].strip() if start + 1 < len(cells) else ""
        where = f"line {row.line}, ratings tier {tier}"
        try:
            points = float(points_text)
        except ValueError:
            deviations.append(Deviation(where, f"points {points_text!r} are not a number; ratings ignored"))
            return []
        if ratings and points >= ratings[-1][0]:
            deviations.append(Deviation(where, f"points {points:g} do not descend from {ratings[-1][0]:g}; "
                                        "ratings ignored"))
            return []
        ratings.append([points, description])
    return ratings


def _parent_links(items: Sequence[ItemRecord], parents_of: dict[str, list[tuple[str, str]]],
                  by_guid: dict[str, str], framework_id: str,
                  deviations: list[Deviation]) -> list[AssociationRecord]:
    links: list[AssociationRecord] = []
    for item in items:
        parents = []
        for guid, where in parents_of[item.identifier]:
            if guid not in by_guid:
                deviations.append(Deviation(where, f"parent {guid!r} is not in the file; placed at the top"))
            elif by_guid[guid] == item.identifier:
                deviations.append(Deviation(where, "an outcome cannot be its own parent; placed at the top"))
            else:
                parents.append(by_guid[guid])
        for sequence, parent in enumerate(parents or [framework_id], start=1):
            links.append(AssociationRecord(
                identifier=case_uuid(f"{FORMAT}\x1f{item.identifier}\x1f{parent}"),
                association_type=AssociationType.IS_CHILD_OF.value,
                origin=item.identifier, destination=parent, sequence=sequence))
    return links


def _shared_scale(items: Sequence[ItemRecord]) -> list[ScaleLevelRecord]:
    """The ratings every outcome shares become the framework's scale; otherwise none."""
    outcomes = [item for item in items if item.item_type == OUTCOME]
    rating_sets = {repr(item.extra.get("ratings")) for item in outcomes}
    mastery_sets = {item.extra.get("mastery_points") for item in outcomes}
    if len(rating_sets) != 1 or not outcomes[0].extra.get("ratings") or len(mastery_sets) != 1:
        return []
    mastery = mastery_sets.pop()
    return [ScaleLevelRecord(label=description, points=points,
                             proficient=mastery is not None and points >= mastery)
            for points, description in outcomes[0].extra["ratings"]]


def _rejected(where: str, message: str, deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    return rejected(FORMAT, where, message, deviations)


def write(package: FrameworkPackage) -> bytes:
    """A Canvas outcomes CSV: the framework as the one top group, then its items, parents
    before children; an item with children is a group (Canvas outcomes have none)."""
    items = {item.identifier: item for item in package.items}
    framework = package.framework
    parents: dict[str, list[str]] = {}
    for link in package.associations:
        if link.association_type == AssociationType.IS_CHILD_OF and link.origin in items:
            parents.setdefault(link.origin, []).append(link.destination)
    has_children = {parent for owned in parents.values() for parent in owned}
    guid = {identifier: _guid(item) for identifier, item in items.items()}
    guid[framework.identifier] = framework.identifier
    scale_ratings = [[level.points, level.label] for level in sorted(package.scale, key=lambda lv: -lv.points)]
    widest = max([len(item.extra.get("ratings") or scale_ratings) for item in package.items] + [0])
    header = [*WRITTEN, "ratings", *([""] * max(0, 2 * widest - 1))]
    rows: list[list[object]] = [[framework.identifier, GROUP, framework.title,
                                 framework.description or "", "", "", "", "", "active"]]
    for identifier in parent_first(list(items), parents):
        item = items[identifier]
        group = item.item_type == GROUP or identifier in has_children
        title, display, description = texts(item)
        ratings = [] if group else (item.extra.get("ratings") or scale_ratings)
        parent_guids = " ".join(guid[p] for p in parents.get(identifier, []) if p in guid) \
            or framework.identifier
        rows.append([
            guid[identifier], GROUP if group else OUTCOME, title, description, display,
            "" if group else item.extra.get("calculation_method", ""),
            "" if group else item.extra.get("calculation_int", ""),
            parent_guids, "active",
            *[_points_text(cell) if i % 2 == 0 else cell for pair in ratings for i, cell in enumerate(pair)],
        ])
    return write_csv(header, rows)


def texts(item: ItemRecord) -> tuple[str, str, str]:
    """Title, display name and description for an item, as :func:`read` reads them back.

    The code goes in the title when the item has no abbreviated statement, else in the display
    name (where Canvas's own sample puts it); an O*NET occupation so keeps its SOC code.
    """
    code = item.human_coding_scheme or ""
    title = item.abbreviated_statement or code or item.full_statement[:255]
    display = str(item.extra.get("display_name") or (code if code != title else ""))
    description = item.full_statement if item.full_statement != title else ""
    return title, display, description


def _guid(item: ItemRecord) -> str:
    # A guid from another format (a Moodle id number, say) may hold spaces, which Canvas refuses.
    source = str(item.extra.get(SOURCE_IDENTIFIER) or "")
    return source if source and not any(char.isspace() for char in source) else item.identifier


def _points_text(points: Any) -> str:
    number = float(points)
    return str(int(number)) if number.is_integer() else str(number)


register_reader(FORMAT, read)
