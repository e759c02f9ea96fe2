"""Moodle competency framework CSV (``tool_lpimportcsv``): read and write.

One row has ``Is framework`` = 1 and carries the framework, its scale and the taxonomy of each
level; every other row is a competency whose ``Parent id number`` names its parent (empty: top).
Rule configurations point at ``Exported id`` values, not id numbers, as Moodle's exporter writes them.

Columns are found by name, in either spelling Moodle has used ("Id number", "Shortname",
"Cross referenced competency id numbers" in older files and fixtures; "ID number", "Short
name", "Cross-referenced competency ID numbers" now), and the two columns older files lack
(cross references, exported id) are optional. ``Taxonomy`` is a comma list, or JSON
(``{"1":"domain","2":"competency"}`` or a list) as some exports write it.

**Identity.** A competency's id number is unique only within its framework, so its identifier
is derived from the id number within the framework; the framework's own id number is unique
only within one Moodle site, so the framework is identified by its id number and short name
together. A UUID (in the id number, or in ``Exported id`` as Worklink writes it) is kept as it
is. Worklink's export writes each item's identifier as its exported id and two columns Moodle
ignores (``Worklink item type``, ``Worklink education levels``), so its own files read back
unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid, is_case_uuid
from competencies.formats.completeness import Shape
from competencies.formats.moodle_rules import RULE_ALL, RULE_POINTS, read_rule, write_rule
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    SOURCE_IDENTIFIER,
    Row,
    SheetRefused,
    compact_header,
    normalise_header,
    open_sheet,
    parent_first,
    refused,
    rejected,
    stable_identifier,
    write_csv,
)
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    ScaleLevelRecord,
)

FORMAT = "moodle-csv"
PARENT, IDNUMBER, SHORTNAME, DESCRIPTION, FORMAT_COLUMN, SCALE_VALUES, SCALE_CONFIG, RULE_TYPE, RULE_OUTCOME, \
    RULE_CONFIG, RELATED, EXPORTED_ID, IS_FRAMEWORK, TAXONOMY = (
        "parent id number", "id number", "shortname", "description", "description format", "scale values",
        "scale configuration", "rule type", "rule outcome", "rule config",
        "cross referenced competency id numbers", "exported id", "is framework", "taxonomy")
ITEM_TYPE, EDUCATION_LEVELS = "worklink item type", "worklink education levels"
REQUIRED = (PARENT, IDNUMBER, SHORTNAME, IS_FRAMEWORK)
HEADER = ("Parent ID number", "ID number", "Short name", "Description", "Description format",
                  "Scale values", "Scale configuration", "Rule type (optional)", "Rule outcome (optional)",
                  "Rule config (optional)", "Cross-referenced competency ID numbers",
                  "Exported ID (optional)", "Is framework", "Taxonomy", "Worklink item type",
                  "Worklink education levels")
"""What :func:`write` writes: Moodle's current names (its importer maps columns by position and
ignores the two Worklink columns after ``Taxonomy``)."""
_NAMES = {compact_header(name): name
          for name in (PARENT, IDNUMBER, SHORTNAME, DESCRIPTION, FORMAT_COLUMN, SCALE_VALUES, SCALE_CONFIG,
                       RULE_TYPE, RULE_OUTCOME, RULE_CONFIG, RELATED, EXPORTED_ID, IS_FRAMEWORK, TAXONOMY,
                       ITEM_TYPE, EDUCATION_LEVELS)}
_NAMES["crossreferencedcompetencyidnumbers"] = RELATED


def _header_name(raw: str) -> str:
    """Either Moodle spelling of a column → one name (``"Short name"``, ``"Shortname"`` → shortname)."""
    return _NAMES.get(compact_header(raw), normalise_header(raw))


def _taxonomy_last(header: Sequence[str], cells: Sequence[str]) -> bool:
    # A competency row's Taxonomy cell is always empty, so a full-width competency row ending in
    # an empty cell has nothing more to lose.
    names = [_header_name(name) for name in header]
    if not names or names[-1] != TAXONOMY or IS_FRAMEWORK not in names:
        return False
    return cells[names.index(IS_FRAMEWORK)].strip() in ("", "0") and not cells[-1].strip()


SHAPE = Shape(last_cell_whole=_taxonomy_last)
TAXONOMY_TERMS = frozenset({"behaviour", "competency", "concept", "domain", "indicator", "level", "outcome",
                            "practice", "proficiency", "skill", "value"})
FORMAT_PLAIN = 2
"""Moodle's ``FORMAT_PLAIN``: text from other sources is not HTML."""
DEFAULT_SCALE = [ScaleLevelRecord("Not yet competent", 1), ScaleLevelRecord("Competent", 2, proficient=True)]
"""Moodle's own default competency scale, used when a package has none (Moodle requires one)."""


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FrameworkPackage:
    """Read a Moodle framework CSV; each bad row is reported with its line and skipped."""
    deviations: list[Deviation] = []
    try:
        header, rows, _ = open_sheet(source, max_bytes=max_bytes, required=REQUIRED,
                                     kind="Moodle", deviations=deviations, shape=SHAPE,
                                     header_names=_header_name)
    except SheetRefused as refusal:
        return refused(FORMAT, refusal)

    framework_row: Row | None = None
    competency_rows: dict[str, Row] = {}
    for row in rows:
        if row.get(IS_FRAMEWORK) not in ("", "0"):
            if framework_row is None:
                framework_row = row
            else:
                deviations.append(Deviation(row.where(IS_FRAMEWORK), "a second framework row; ignored"))
            continue
        idnumber, shortname = row.get(IDNUMBER), row.get(SHORTNAME)
        if not idnumber or not shortname:
            column = IDNUMBER if not idnumber else SHORTNAME
            deviations.append(Deviation(row.where(column), f"empty {column}; Moodle skips this row too"))
        elif idnumber in competency_rows:
            deviations.append(Deviation(row.where(IDNUMBER), f"id number {idnumber!r} repeats; row skipped"))
        else:
            competency_rows[idnumber] = row
    if framework_row is None:
        return _rejected("file", "no row has 'Is framework' = 1, so there is no framework", deviations)

    framework_idnumber, framework_name = framework_row.get(IDNUMBER), framework_row.get(SHORTNAME)
    framework = FrameworkRecord(
        identifier=framework_idnumber.lower() if is_case_uuid(framework_idnumber.lower())
        else stable_identifier(FORMAT, f"{framework_idnumber}\x1f{framework_name}"),
        title=framework_name or framework_idnumber,
        description=framework_row.get(DESCRIPTION) or None,
    )
    scale = _scale(framework_row, deviations)
    taxonomy = _taxonomy(framework_row, deviations)
    parents = _parents(competency_rows, deviations)
    identifiers = {idnumber: _identifier(framework.identifier, idnumber, row)
                   for idnumber, row in competency_rows.items()}
    exported = {row.get(EXPORTED_ID): identifiers[idnumber]
                for idnumber, row in competency_rows.items() if row.get(EXPORTED_ID)}

    items: list[ItemRecord] = []
    associations: list[AssociationRecord] = []
    for idnumber, row in competency_rows.items():
        depth = _depth(idnumber, parents)
        # Worklink's own column, when there, says each item's type exactly (even none); Moodle's
        # taxonomy gives only one term per level.
        level_type = taxonomy[depth - 1] if depth <= len(taxonomy) else None
        item = _item(row, identifiers[idnumber], row.get(ITEM_TYPE) or None if ITEM_TYPE in header
                     else level_type)
        item.extra.update(_rule(row, exported, deviations))
        competency_scale = _scale(row, deviations) if row.get(SCALE_VALUES) else []
        if competency_scale:
            item.extra["scale"] = [[level.label, level.points, level.proficient] for level in competency_scale]
        items.append(item)
        parent = parents.get(idnumber)
        associations.append(_link(AssociationType.IS_CHILD_OF, item.identifier,
                                  identifiers[parent] if parent else framework.identifier))
    associations.extend(_related(competency_rows, identifiers, deviations))
    if not items:
        deviations.append(Deviation("file", "the framework has no competencies"))
    return FrameworkPackage(framework=framework, items=items, associations=associations, scale=scale,
                            deviations=deviations, source_format=FORMAT)


def _identifier(framework_identifier: str, idnumber: str, row: Row) -> str:
    exported = row.get(EXPORTED_ID).lower()
    if is_case_uuid(exported):
        return exported  # written by Worklink: the identifier the item already has
    return stable_identifier(framework_identifier, idnumber)


def _taxonomy(row: Row, deviations: list[Deviation]) -> list[str]:
    """The term of each level, top first, from a comma list or JSON (an object by level, or a list)."""
    text = row.get(TAXONOMY)
    if text[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, dict):
                by_level = sorted(parsed.items(), key=lambda pair: int(pair[0]))
                return [str(term).strip() for _, term in by_level]
            if isinstance(parsed, list):
                return [str(term).strip() for term in parsed]
        except (ValueError, TypeError):
            pass
        deviations.append(Deviation(row.where(TAXONOMY), "looks like JSON but is not a taxonomy object "
                                    "or list; read as a comma list"))
    return [term.strip() for term in text.split(",") if term.strip()]


def _item(row: Row, identifier: str, item_type: str | None) -> ItemRecord:
    idnumber = row.get(IDNUMBER)
    extra: dict[str, Any] = {SOURCE_IDENTIFIER: idnumber}
    if row.get(FORMAT_COLUMN) not in ("", str(FORMAT_PLAIN)):
        extra["description_format"] = row.get(FORMAT_COLUMN)  # plain is what the writer assumes
    # The exported id is the source site's own row id, meaningless here: not kept.
    levels = [level.strip() for level in row.get(EDUCATION_LEVELS).split(",") if level.strip()]
    shortname = row.get(SHORTNAME)
    return ItemRecord(identifier=identifier, full_statement=row.get(DESCRIPTION) or shortname,
                      # An id number that is a UUID is an identifier Worklink wrote, not a code.
                      human_coding_scheme=None if is_case_uuid(idnumber.lower()) else idnumber,
                      # A short name that only repeats the code (as the writer gives an item
                      # with no short statement) is no statement.
                      abbreviated_statement=None if shortname in (idnumber, (row.get(DESCRIPTION))[:100])
                      else shortname,
                      item_type=item_type, education_levels=levels,
                      extra=extra, where=f"line {row.line}")


def _parents(rows: dict[str, Row], deviations: list[Deviation]) -> dict[str, str]:
    """Id number → parent id number; unknown parents and cycles are reported and put at the top."""
    parents: dict[str, str] = {}
    for idnumber, row in rows.items():
        parent = row.get(PARENT)
        if parent and parent not in rows:
            deviations.append(Deviation(row.where(PARENT), f"parent {parent!r} is not in the file; placed at the top"))
        elif parent:
            parents[idnumber] = parent
    for idnumber, row in rows.items():
        seen = {idnumber}
        current = parents.get(idnumber)
        while current is not None:
            if current in seen:
                deviations.append(Deviation(row.where(PARENT),
                                            f"{idnumber!r} is its own ancestor; placed at the top"))
                del parents[idnumber]
                break
            seen.add(current)
            current = parents.get(current)
    return parents


def _depth(idnumber: str, parents: dict[str, str]) -> int:
    depth = 1
    while idnumber in parents:
        idnumber = parents[idnumber]
        depth += 1
    return depth


def _scale(row: Row, deviations: list[Deviation]) -> list[ScaleLevelRecord]:
    """Moodle scale values run worst to best; their points are the 1-based positions Moodle grades with."""
    labels = [label.strip() for label in row.get(SCALE_VALUES).split(",") if label.strip()]
    if not labels:
        if row.get(IS_FRAMEWORK) not in ("", "0"):
            deviations.append(Deviation(row.where(SCALE_VALUES), "the framework has no scale values"))
        return []
    proficient: set[int] = set()
    try:
        configuration = json.loads(row.get(SCALE_CONFIG) or "[]")
        for entry in configuration[1:] if isinstance(configuration, list) else []:
            if isinstance(entry, dict) and int(entry.get("proficient") or 0):
                proficient.add(int(entry["id"]))
    except (ValueError, TypeError, KeyError):
        deviations.append(Deviation(row.where(SCALE_CONFIG), "not a Moodle scale configuration; "
                                    "no level is marked proficient"))
    return [ScaleLevelRecord(label=label, points=position, proficient=position in proficient)
            for position, label in enumerate(labels, start=1)]


def _rule(row: Row, exported: dict[str, str], deviations: list[Deviation]) -> dict[str, Any]:
    if not row.get(RULE_TYPE):
        return {}
    try:
        return {"rule": read_rule(row.get(RULE_TYPE), row.get(RULE_OUTCOME), row.get(RULE_CONFIG), exported)}
    except ValueError as error:
        deviations.append(Deviation(row.where(RULE_TYPE), f"{error}; rule ignored"))
        return {}


def _related(rows: dict[str, Row], identifiers: dict[str, str],
             deviations: list[Deviation]) -> list[AssociationRecord]:
    pairs: set[frozenset[str]] = set()
    links = []
    for idnumber, row in rows.items():
        for raw in filter(None, (part.strip() for part in row.get(RELATED).split(","))):
            other = raw.replace("%2C", ",")  # Moodle escapes commas inside an id number this way
            if other not in identifiers:
                deviations.append(Deviation(row.where(RELATED), f"cross reference {other!r} is not in the file"))
                continue
            pair = frozenset((idnumber, other))
            if other != idnumber and pair not in pairs:
                pairs.add(pair)
                links.append(_link(AssociationType.IS_RELATED_TO, identifiers[idnumber], identifiers[other]))
    return links


def _link(kind: AssociationType, origin: str, destination: str) -> AssociationRecord:
    return AssociationRecord(identifier=case_uuid(f"{FORMAT}\x1f{kind}\x1f{origin}\x1f{destination}"),
                             association_type=kind.value, origin=origin, destination=destination)


def _rejected(where: str, message: str, deviations: Sequence[Deviation] = ()) -> FrameworkPackage:
    return rejected(FORMAT, where, message, deviations)


def write(package: FrameworkPackage) -> bytes:
    """A ``tool_lpimportcsv`` file: the framework row, then competencies with parents first."""
    items = {item.identifier: item for item in package.items}
    parent: dict[str, str] = {}
    related: dict[str, list[str]] = {}
    for link in package.associations:
        if link.association_type == AssociationType.IS_CHILD_OF and link.origin in items \
                and link.destination in items and link.origin not in parent:
            parent[link.origin] = link.destination  # Moodle trees have one parent per competency
        elif link.association_type == AssociationType.IS_RELATED_TO and link.origin in items \
                and link.destination in items:
            related.setdefault(link.origin, []).append(link.destination)
    order = parent_first(list(items), {child: [p] for child, p in parent.items()})
    idnumbers = _idnumbers(order, items)
    # The item's identifier as its exported id: Moodle uses the column only to match rule
    # configurations, and it brings the identifier back when the file is read again.
    exported_ids = {identifier: identifier for identifier in order}
    depth = {identifier: _depth(identifier, parent) for identifier in order}

    scale = sorted(package.scale or DEFAULT_SCALE, key=lambda level: level.points)
    framework = package.framework
    rows: list[list[object]] = [[
        # The identifier as id number: unique on the Moodle site, and read back as the same framework.
        "", framework.identifier,
        framework.title[:100], framework.description or "", FORMAT_PLAIN,
        ",".join(level.label.replace(",", ";") for level in scale), _scale_configuration(scale),
        "", "", "", "", "", 1, ",".join(_taxonomy_terms(order, items, depth)), "", "",
    ]]
    for identifier in order:
        item = items[identifier]
        rule_type, rule_outcome, rule_config = write_rule(item.extra.get("rule"), exported_ids)
        own_scale = [ScaleLevelRecord(label, points, bool(proficient))
                     for label, points, proficient in item.extra.get("scale") or []]
        rows.append([
            idnumbers[parent[identifier]] if identifier in parent else "",
            idnumbers[identifier],
            _shortname(item),
            # A statement the short name already says whole is left out, as Moodle's own files do.
            "" if item.abbreviated_statement == item.full_statement == _shortname(item)
            else item.full_statement,
            item.extra.get("description_format", FORMAT_PLAIN),
            ",".join(level.label.replace(",", ";") for level in own_scale),
            _scale_configuration(own_scale) if own_scale else "",
            rule_type, rule_outcome, rule_config,
            ",".join(idnumbers[other].replace(",", "%2C") for other in related.get(identifier, [])),
            exported_ids[identifier], "", "", item.item_type or "", ",".join(item.education_levels),
        ])
    return write_csv(HEADER, rows)


def _idnumbers(order: Sequence[str], items: dict[str, ItemRecord]) -> dict[str, str]:
    """The source id number, else a unique coding scheme, else the identifier (Moodle needs them unique)."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for identifier in order:
        item = items[identifier]
        for candidate in (item.extra.get(SOURCE_IDENTIFIER), item.human_coding_scheme, identifier):
            text = _idnumber_text(str(candidate)) if candidate else ""
            if text and text not in taken:
                chosen[identifier] = text
                taken.add(text)
                break
    return chosen


def _idnumber_text(text: str) -> str:
    return text.strip()[:100]


def _shortname(item: ItemRecord) -> str:
    return (item.abbreviated_statement or item.human_coding_scheme or item.full_statement)[:100]


def _scale_configuration(scale: Sequence[ScaleLevelRecord]) -> str:
    proficient = [position for position, level in enumerate(scale, start=1) if level.proficient]
    default = proficient[0] if proficient else len(scale)
    entries: list[dict[str, Any]] = [{"scaleid": "0"}]
    entries += [{"id": position, "scaledefault": int(position == default), "proficient": 1}
                for position in proficient] or [{"id": default, "scaledefault": 1, "proficient": 1}]
    return json.dumps(entries, separators=(",", ":"))


def _taxonomy_terms(order: Sequence[str], items: dict[str, ItemRecord], depth: dict[str, int]) -> list[str]:
    levels = max(depth.values(), default=0)
    terms = []
    for level in range(1, levels + 1):
        types = [(items[i].item_type or "").lower() for i in order if depth[i] == level]
        known = [t for t in types if t in TAXONOMY_TERMS]
        terms.append(max(set(known), key=known.count) if known else "competency")
    return terms


register_reader(FORMAT, read)
__all__ = ["FORMAT", "HEADER", "RULE_ALL", "RULE_POINTS", "read", "write"]
