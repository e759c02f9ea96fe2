"""O*NET text files (tab-delimited; the occupation list also as OSMT's 3-column CSV).

Occupation Data, Task Statements, Skills/Knowledge/Abilities ratings, Technology Skills and the
Content Model Reference become one framework: occupations are items, tasks are items that are
``isPartOf`` their occupation, and skills, knowledge and technologies are shared items that are
``isRelatedTo`` each occupation rated on them, with the importance (IM) and level (LV) per
occupation in ``extra["occupations"]``. O*NET's licence requires its credit line wherever the
data is shown: it is in ``FrameworkRecord.attribution``, with the release number when known.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from competencies.formats import completeness, register_reader
from competencies.formats.case_identifiers import case_uuid
from competencies.formats.completeness import Shape
from competencies.formats.spreadsheet import (
    DEFAULT_MAX_BYTES,
    Row,
    SourceTooLarge,
    decode_text,
    read_rows,
    source_bytes,
)
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

FORMAT = "onet"
FRAMEWORK_ID = case_uuid("onet\x1fO*NET-SOC occupations, tasks and skills")
SOURCE_URL = "https://www.onetcenter.org/database.html"
CODE = "o*net-soc code"
_SOC_CODE = re.compile(r"^\d\d-\d{4}\.\d\d$")
_ELEMENT_KIND = (("2.A", "Skill"), ("2.B", "Skill"), ("2.C", "Knowledge"), ("1.A", "Ability"))
SCALES = {"IM": "importance", "LV": "level"}


def attribution(release: str | None) -> str:
    """O*NET's required credit line (onetcenter.org/license_db.html), with our modification notice."""
    database = f"O*NET {release} Database" if release else "O*NET Database"
    return (f"This page includes information from the {database} by the U.S. Department of Labor, "
            "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
            "O*NET® is a trademark of USDOL/ETA. Worklink has modified all or some of this information. "
            "USDOL/ETA has not approved, endorsed, or tested these modifications.")


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, release: str | None = None) -> FrameworkPackage:
    """Read one O*NET file; :func:`read_files` combines several into one package."""
    return read_files([source], max_bytes=max_bytes, release=release)


def read_files(sources: Iterable[bytes | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
               release: str | None = None) -> FrameworkPackage:
    """Read O*NET files of any kinds, in any order, into one framework."""
    build = _Build()
    for source in sources:
        try:
            data, name = source_bytes(source, max_bytes=max_bytes)
        except SourceTooLarge as error:
            build.deviations.append(Deviation("file", f"{error}; skipped"))
            continue
        text = decode_text(data, build.deviations)
        del data
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first_line else ","
        header, rows = read_rows(text, delimiter=delimiter, deviations=build.deviations)
        kind = _kind(header)
        if kind is None:
            build.deviations.append(Deviation(_at(name, "line 1"), "not an O*NET file this reader knows "
                                              f"(columns: {', '.join(header[:6])}); skipped"))
            continue
        cut = completeness.check(text, delimiter=delimiter, shape=SHAPE)
        if cut:
            build.deviations += [dataclasses.replace(problem, where=_at(name, problem.where))
                                 for problem in cut]
            continue
        getattr(build, kind)(rows, name)
    if release is None:
        build.deviations.append(Deviation("release", "O*NET release not given; the credit line names none"))
    return build.package(release)


def _at(name: str, where: str) -> str:
    return f"{name}, {where}" if name else where


_CLOSED_VALUES = {
    "domain source": {"incumbent", "occupational expert", "analyst", "analyst - transition"},
    "in demand": {"y", "n"}, "hot technology": {"y", "n"}, "recommend suppress": {"y", "n", "n/a"},
}


def _closed_last(header: Sequence[str], cells: Sequence[str]) -> bool:
    # O*NET's rating and task files end in a column with a fixed vocabulary (Domain Source,
    # In Demand): a value from it cannot be the stump of a cut.
    # A value that begins another ("Analyst" of "Analyst - Transition") proves nothing.
    values = _CLOSED_VALUES.get(header[-1].strip().lower())
    value = cells[-1].lower()
    return values is not None and value in values and not any(
        other != value and other.startswith(value) for other in values)


SHAPE = Shape(last_cell_whole=_closed_last)


def _kind(header: Sequence[str]) -> str | None:
    columns = set(header)
    if {CODE, "task id", "task"} <= columns:
        return "tasks"
    if {CODE, "element id", "scale id", "data value"} <= columns:
        return "ratings"
    if {CODE, "commodity code", "example"} <= columns:
        return "technology"
    if {"element id", "element name", "description"} <= columns and CODE not in columns:
        return "content_model"
    if {CODE, "title", "description"} <= columns:
        return "occupations"
    return None


@dataclasses.dataclass
class _Build:
    items: dict[str, ItemRecord] = dataclasses.field(default_factory=dict)
    links: dict[str, AssociationRecord] = dataclasses.field(default_factory=dict)
    deviations: list[Deviation] = dataclasses.field(default_factory=list)
    missing_occupations: dict[str, str] = dataclasses.field(default_factory=dict)

    def occupations(self, rows: Iterable[Row], name: str) -> None:
        for row in rows:
            code = self._code(row, name)
            if code and row.get("title"):
                item = self._occupation(code)
                item.abbreviated_statement = row.get("title")
                item.full_statement = row.get("description") or row.get("title")
                item.where = _at(name, f"line {row.line}")
                self.missing_occupations.pop(code, None)

    def tasks(self, rows: Iterable[Row], name: str) -> None:
        for row in rows:
            code, task_id = self._code(row, name), row.get("task id")
            if not code:
                continue
            if not task_id or not row.get("task"):
                self.deviations.append(Deviation(_at(name, f"line {row.line}"), "task without an id or text; skipped"))
                continue
            identifier = case_uuid(f"onet-task\x1f{task_id}")
            self.items[identifier] = ItemRecord(
                identifier=identifier, full_statement=row.get("task"), human_coding_scheme=task_id,
                item_type="Task", where=_at(name, f"line {row.line}"),
                extra=_present({"occupation": code, "task_type": row.get("task type"),
                                "incumbents_responding": _number(row.get("incumbents responding")),
                                "date": row.get("date"), "domain_source": row.get("domain source")}))
            self._link(AssociationType.IS_PART_OF, identifier, self._occupation(code).identifier)

    def ratings(self, rows: Iterable[Row], name: str) -> None:
        for row in rows:
            code, element_id, scale = self._code(row, name), row.get("element id"), row.get("scale id")
            if not code:
                continue
            value = _number(row.get("data value"))
            where = _at(name, f"line {row.line}")
            if not element_id or scale not in SCALES or not isinstance(value, float):
                self.deviations.append(Deviation(f"{where}, column 'Data Value'" if element_id and scale in SCALES
                                                 else where, "rating without element, IM/LV scale or number; "
                                                 "skipped"))
                continue
            item = self._element(element_id, row.get("element name"), where)
            rating = item.extra.setdefault("occupations", {}).setdefault(code, {})
            rating[SCALES[scale]] = value
            details = _present({"n": _number(row.get("n")), "standard_error": _number(row.get("standard error")),
                                "recommend_suppress": _flag(row.get("recommend suppress")),
                                "not_relevant": _flag(row.get("not relevant")), "date": row.get("date")})
            rating.setdefault("details", {})[scale] = details
            self._link(AssociationType.IS_RELATED_TO, item.identifier, self._occupation(code).identifier)

    def technology(self, rows: Iterable[Row], name: str) -> None:
        for row in rows:
            code, commodity = self._code(row, name), row.get("commodity code")
            if not code:
                continue
            if not commodity or not row.get("example"):
                self.deviations.append(Deviation(_at(name, f"line {row.line}"), "technology without commodity code "
                                                 "or example; skipped"))
                continue
            identifier = case_uuid(f"onet-commodity\x1f{commodity}")
            item = self.items.get(identifier) or ItemRecord(
                identifier=identifier, full_statement=row.get("commodity title") or commodity,
                human_coding_scheme=commodity, item_type="Technology", where=_at(name, f"line {row.line}"))
            self.items[identifier] = item
            examples = item.extra.setdefault("occupations", {}).setdefault(code, [])
            examples.append(_present({"example": row.get("example"), "hot_technology": _flag(row.get("hot technology")),
                                      "in_demand": _flag(row.get("in demand"))}))
            self._link(AssociationType.IS_RELATED_TO, identifier, self._occupation(code).identifier)

    def content_model(self, rows: Iterable[Row], name: str) -> None:
        for row in rows:
            element_id = row.get("element id")
            if not element_id or not row.get("element name"):
                self.deviations.append(Deviation(_at(name, f"line {row.line}"), "element without id or name; skipped"))
                continue
            item = self._element(element_id, row.get("element name"), _at(name, f"line {row.line}"))
            item.full_statement = row.get("description") or item.full_statement

    def _code(self, row: Row, name: str) -> str | None:
        code = row.get(CODE)
        if not _SOC_CODE.match(code):
            self.deviations.append(Deviation(_at(name, f"line {row.line}, column 'O*NET-SOC Code'"),
                                             f"{code!r} is not an O*NET-SOC code like 15-1252.00; row skipped"))
            return None
        return code

    def _occupation(self, code: str) -> ItemRecord:
        identifier = case_uuid(f"onet-occupation\x1f{code}")
        if identifier not in self.items:
            self.items[identifier] = ItemRecord(identifier=identifier, full_statement=code, human_coding_scheme=code,
                                                abbreviated_statement=code, item_type="Occupation")
            self.missing_occupations[code] = identifier
        return self.items[identifier]

    def _element(self, element_id: str, name: str, where: str) -> ItemRecord:
        identifier = case_uuid(f"onet-element\x1f{element_id}")
        if identifier not in self.items:
            kind = next((kind for prefix, kind in _ELEMENT_KIND if element_id.startswith(prefix + ".")), None)
            self.items[identifier] = ItemRecord(identifier=identifier, full_statement=name or element_id,
                                                human_coding_scheme=element_id, abbreviated_statement=name or None,
                                                item_type=kind or "Content Model Element", where=where)
        return self.items[identifier]

    def _link(self, kind: AssociationType, origin: str, destination: str) -> None:
        identifier = case_uuid(f"onet\x1f{kind}\x1f{origin}\x1f{destination}")
        self.links.setdefault(identifier, AssociationRecord(identifier=identifier, association_type=kind.value,
                                                            origin=origin, destination=destination))

    def package(self, release: str | None) -> FrameworkPackage:
        for code in self.missing_occupations:
            self.deviations.append(Deviation(f"occupation {code}", "named by a rating or task but not in an "
                                             "Occupation Data file; its title is the code"))
        titles = {item.human_coding_scheme: item.abbreviated_statement for item in self.items.values()
                  if item.item_type == "Occupation" and item.abbreviated_statement != item.human_coding_scheme}
        for item in self.items.values():
            # Kept on the task, so a page can name the occupation without another query.
            if item.item_type == "Task" and item.extra.get("occupation") in titles:
                item.extra["occupation_title"] = titles[item.extra["occupation"]]
        elements = {item.human_coding_scheme: item.identifier for item in self.items.values()
                    if item.item_type not in ("Occupation", "Task", "Technology")}
        for item in self.items.values():
            if item.item_type in ("Task", "Technology"):
                continue
            parent = FRAMEWORK_ID
            if item.item_type != "Occupation" and item.human_coding_scheme:
                above = item.human_coding_scheme.rpartition(".")[0]
                parent = elements.get(above, FRAMEWORK_ID)
            self._link(AssociationType.IS_CHILD_OF, item.identifier, parent)
        framework = FrameworkRecord(
            identifier=FRAMEWORK_ID, title="O*NET occupations, tasks and skills", creator="O*NET Resource Center",
            publisher="U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
            version=release, licence="CC BY 4.0", attribution=attribution(release), source_url=SOURCE_URL,
            language="en")
        if not self.items:
            self.deviations.append(Deviation("files", "no O*NET rows could be read", fatal=True))
        return FrameworkPackage(framework=framework, items=list(self.items.values()),
                                associations=list(self.links.values()), deviations=self.deviations,
                                source_format=FORMAT)


def core_elements(package: FrameworkPackage, code: str, *, min_importance: float = 3.0) -> list[ItemRecord]:
    """The skills or knowledge an occupation rates at or above ``min_importance`` (IM, 1–5), most important first."""
    rated = [(item.extra["occupations"][code].get("importance", 0.0), item) for item in package.items
             if item.item_type in ("Skill", "Knowledge", "Ability") and code in item.extra.get("occupations", {})]
    return [item for importance, item in sorted(rated, key=lambda pair: -pair[0]) if importance >= min_importance]


def _number(text: str) -> float | str | None:
    if not text or text.lower() == "n/a":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _flag(text: str) -> bool | None:
    return {"y": True, "n": False}.get(text.lower())


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


register_reader(FORMAT, read, [".txt"])
