"""Canvas outcomes CSV: read and write.

Columns (Canvas ``lib/outcomes/csv_importer.rb``): required ``vendor_guid``, ``object_type``
(group|outcome), ``title``, ``parent_guids`` (space-separated); optional ``canvas_id``,
``description``, ``display_name``, ``calculation_method``, ``calculation_int``, ``workflow_state``;
then a ``ratings`` header whose cells, and the unnamed cells after it, are (points, description)
pairs in descending points. Canvas outcomes cannot have children, so on export an item with
children becomes a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    SOURCE_IDENTIFIER,
    Row,
    SheetRefused,
    open_sheet,
    parent_first,
    rejected,
    stable_identifier,
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
REQUIRED = ("vendor_guid", "object_type", "title", "parent_guids")
OPTIONAL = ("canvas_id", "description", "display_name", "calculation_method", "calculation_int",
            "workflow_state", "mastery_points")
GROUP = "group"
OUTCOME = "outcome"
_SCOPE = "canvas-vendor-guid"


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, title: str | None = None) -> FrameworkPackage:
    """Read a Canvas outcomes CSV; each bad row is reported with its line and skipped."""
    deviations: list[Deviation] = []
    try:
        header, rows, name = open_sheet(source, max_bytes=max_bytes, required=REQUIRED,
                                         kind="required Canvas", deviations=deviations)
    except SheetRefused as refused:
        return _rejected(refused.where, refused.message)
    named_end = header.index("ratings") if "ratings" in header else len(header)
    for column in header[:named_end]:
        if column not in REQUIRED and column not in OPTIONAL:
            deviations.append(Deviation(f"line 1, column '{column}'", "not a Canvas outcomes column; ignored"))

    items: list[ItemRecord] = []
    parents_of: dict[str, list[tuple[str, str]]] = {}
    by_guid: dict[str, str] = {}
    for row in rows:
        item = _item(row, named_end, deviations)
        if item is None:
            continue
        guid = item.extra[SOURCE_IDENTIFIER]
        if guid in by_guid:
            deviations.append(Deviation(row.where("vendor_guid"), f"vendor_guid {guid!r} repeats; row skipped"))
            continue
        by_guid[guid] = item.identifier
        items.append(item)
        parents_of[item.identifier] = [(guid, row.where("parent_guids")) for guid in row.get("parent_guids").split()]

    if not items:
        return _rejected("file", "no usable outcome or group rows", deviations)
    # The framework is named by its top-level guids, so the same file always maps to the same framework.
    roots = [item for item in items
             if not any(guid in by_guid and by_guid[guid] != item.identifier
                        for guid, _ in parents_of[item.identifier])]
    top_groups = [item for item in roots if item.item_type == GROUP]
    framework_id = case_uuid(f"canvas-outcomes\x1f{' '.join(sorted(i.extra[SOURCE_IDENTIFIER] for i in roots))}")
    framework = FrameworkRecord(
        identifier=framework_id,
        title=title or (top_groups[0].abbreviated_statement or "" if len(top_groups) == 1 else Path(name).stem),
    )
    associations = _parent_links(items, parents_of, by_guid, framework_id, deviations)
    return FrameworkPackage(framework=framework, items=items, associations=associations,
                            scale=_shared_scale(items), deviations=deviations, source_format=FORMAT)


def _item(row: Row, named_end: int, deviations: list[Deviation]) -> ItemRecord | None:
    guid = row.get("vendor_guid")
    kind = row.get("object_type").lower()
    title = row.get("title")
    if not guid:
        deviations.append(Deviation(row.where("vendor_guid"), "empty vendor_guid; row skipped"))
        return None
    if kind not in (GROUP, OUTCOME):
        deviations.append(Deviation(row.where("object_type"), f"object_type {kind!r} is not group or outcome; "
                                    "row skipped"))
        return None
    if not title:
        deviations.append(Deviation(row.where("title"), "empty title; row skipped"))
        return None
    if row.get("workflow_state").lower() == "deleted":
        deviations.append(Deviation(row.where("workflow_state"), f"{guid!r} is marked deleted; not imported"))
        return None
    extra: dict[str, Any] = {SOURCE_IDENTIFIER: guid}
    for column in ("display_name", "canvas_id"):
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
    description = row.get("description")
    return ItemRecord(
        identifier=stable_identifier(_SCOPE, guid),
        full_statement=description or title,
        abbreviated_statement=title,
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
    found: dict[str, Any] = {"calculation_method": calculation.method.value}
    if calculation.calculation_int is not None:
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
    """A Canvas outcomes CSV: parents before children, groups for items with children."""
    items = {item.identifier: item for item in package.items}
    parents: dict[str, list[str]] = {}
    for link in package.associations:
        if link.association_type == AssociationType.IS_CHILD_OF and link.origin in items:
            parents.setdefault(link.origin, []).append(link.destination)
    has_children = {parent for owned in parents.values() for parent in owned}
    guid = {identifier: str(item.extra.get(SOURCE_IDENTIFIER) or identifier) for identifier, item in items.items()}
    scale_ratings = [[level.points, level.label] for level in sorted(package.scale, key=lambda lv: -lv.points)]
    widest = max([len(item.extra.get("ratings") or scale_ratings) for item in package.items] + [0])
    header = [*REQUIRED[:3], "description", "display_name", "calculation_method", "calculation_int",
              "parent_guids", "workflow_state", "ratings", *([""] * max(0, 2 * widest - 1))]
    rows = []
    for identifier in parent_first(list(items), parents):
        item = items[identifier]
        group = item.item_type == GROUP or identifier in has_children
        title = item.abbreviated_statement or item.human_coding_scheme or item.full_statement[:255]
        description = item.full_statement if item.full_statement != title else ""
        ratings = [] if group else (item.extra.get("ratings") or scale_ratings)
        parent_guids = " ".join(guid[p] for p in parents.get(identifier, []) if p in items)
        rows.append([
            guid[identifier], GROUP if group else OUTCOME, title, description,
            item.extra.get("display_name", ""),
            "" if group else item.extra.get("calculation_method", ""),
            "" if group else item.extra.get("calculation_int", ""),
            parent_guids, "active",
            *[_points_text(cell) if i % 2 == 0 else cell for pair in ratings for i, cell in enumerate(pair)],
        ])
    return write_csv(header, rows)


def _points_text(points: Any) -> str:
    number = float(points)
    return str(int(number)) if number.is_integer() else str(number)


register_reader(FORMAT, read)
