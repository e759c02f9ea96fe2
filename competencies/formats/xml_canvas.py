"""Canvas ``learning_outcomes.xml`` from a course export (namespace ``cccv1p0``), read with lxml.

Groups (``learningOutcomeGroup``) hold their children in a ``learningOutcomes`` element and may
nest; outcomes carry title, description, calculation method, mastery points and ratings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid
from competencies.formats.spreadsheet import SOURCE_IDENTIFIER, stable_identifier
from competencies.formats.xml_safety import DEFAULT_MAX_BYTES, UnsafeXml, parse_xml
from competencies.mastery.calculation import Calculation, CalculationMethod
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

FORMAT = "canvas-xml"
NAMESPACE = "http://canvas.instructure.com/xsd/cccv1p0"
RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, title: str | None = None) -> FrameworkPackage:
    """Read Canvas outcomes XML; an ``rdf:RDF`` document is handed to the ASN reader instead."""
    try:
        root = parse_xml(source, max_bytes=max_bytes)
    except ValueError as error:  # UnsafeXml included: nothing was read
        return _rejected("document", str(error))
    if root.tag == RDF_ROOT:
        from competencies.formats import (
            xml_asn,  # .xml files may be ASN too; keep one entry for the extension
        )

        return xml_asn.read_root(root, name=source.name if isinstance(source, Path) else "")
    reading = _Reading()
    if etree.QName(root).localname != "learningOutcomes":
        return _rejected(f"line {root.sourceline}", f"root element is <{etree.QName(root).localname}>, "
                         "not Canvas's <learningOutcomes>")
    if etree.QName(root).namespace != NAMESPACE:
        reading.deviations.append(Deviation(f"line {root.sourceline}", "root element is not in the Canvas "
                                            f"namespace {NAMESPACE}; read anyway"))
    for child in root:
        reading.node(child, parent=None, path=str(len(reading.items)))
    if not reading.items:
        return _rejected("document", "no learningOutcome or learningOutcomeGroup with a title",
                         reading.deviations)
    roots = {item for item, parent in reading.parents.items() if parent is None}
    top = [item for item in reading.items if item.identifier in roots]
    framework_title = title or (top[0].abbreviated_statement or "" if len(top) == 1 else
                                Path(source.name).stem if isinstance(source, Path) else "Canvas outcomes")
    # Identified by its title and top-level guids, and each item's guid only within it: a guid is
    # unique in one Canvas account, not across accounts (as in the CSV reader).
    tops = " ".join(sorted(i.extra[SOURCE_IDENTIFIER] for i in top))
    framework_id = case_uuid(f"canvas-outcomes\x1f{' '.join(framework_title.casefold().split())}\x1f{tops}")
    framework = FrameworkRecord(identifier=framework_id, title=framework_title)
    scoped = {item.identifier: stable_identifier(framework_id, item.identifier) for item in reading.items}
    for item in reading.items:
        item.identifier = scoped[item.identifier]
    reading.parents = {scoped[child]: scoped[parent] if parent else None
                       for child, parent in reading.parents.items()}
    links = [AssociationRecord(identifier=case_uuid(f"{FORMAT}\x1f{child}\x1f{parent or framework_id}"),
                               association_type=AssociationType.IS_CHILD_OF.value, origin=child,
                               destination=parent or framework_id, sequence=position)
             for position, (child, parent) in enumerate(reading.parents.items(), start=1)]
    return FrameworkPackage(framework=framework, items=reading.items, associations=links,
                            deviations=reading.deviations, source_format=FORMAT)


class _Reading:
    def __init__(self) -> None:
        self.items: list[ItemRecord] = []
        self.parents: dict[str, str | None] = {}
        self.deviations: list[Deviation] = []

    def node(self, element: etree._Element, parent: str | None, path: str) -> None:
        if not isinstance(element.tag, str):
            return
        kind = etree.QName(element).localname
        where = f"line {element.sourceline}, <{kind}>"
        if kind not in ("learningOutcome", "learningOutcomeGroup"):
            self.deviations.append(Deviation(where, "not an outcome or a group; ignored"))
            return
        title = _text(element, "title")
        identifier = parent
        if not title:
            self.deviations.append(Deviation(where, "no title; not imported" +
                                             ("; its children move up a level" if kind.endswith("Group") else "")))
        else:
            identifier = self._add(element, kind, title, parent, path, where)
        if kind == "learningOutcomeGroup":
            container = _child(element, "learningOutcomes")
            for position, child in enumerate(container if container is not None else []):
                self.node(child, identifier, f"{path}.{position}")

    def _add(self, element: etree._Element, kind: str, title: str, parent: str | None, path: str,
             where: str) -> str | None:
        vendor_guid, migration_id = _text(element, "vendor_guid"), element.get("identifier", "").strip()
        # Provisional: read() scopes every identifier to the framework once it is known.
        if vendor_guid:
            identifier = vendor_guid
        elif migration_id:
            identifier = f"migration id {migration_id}"
        else:
            self.deviations.append(Deviation(where, "no identifier attribute; one is derived from its place"))
            identifier = f"position {path}\x1f{title}"
        if identifier in self.parents:
            self.deviations.append(Deviation(where, f"identifier {vendor_guid or migration_id!r} repeats; "
                                             "not imported again"))
            return None
        extra: dict[str, Any] = {SOURCE_IDENTIFIER: vendor_guid or migration_id or identifier}
        if kind == "learningOutcome":
            extra.update(self._scoring(element, where))
        display_name = _text(element, "display_name")
        if display_name:
            extra["display_name"] = display_name
        description = _text(element, "description")
        self.items.append(ItemRecord(identifier=identifier, full_statement=description or title,
                                     abbreviated_statement=title,
                                     item_type="outcome" if kind == "learningOutcome" else "group",
                                     extra=extra, where=where))
        self.parents[identifier] = parent
        return identifier

    def _scoring(self, element: etree._Element, where: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        method = _text(element, "calculation_method")
        if method:
            number = _text(element, "calculation_int")
            try:
                calculation = Calculation(CalculationMethod.parse(method), int(number) if number else None)
                found["calculation_method"] = calculation.method.value
                if calculation.calculation_int is not None:
                    found["calculation_int"] = calculation.calculation_int
            except ValueError as error:
                self.deviations.append(Deviation(f"{where} <calculation_method>", f"{error}; ignored"))
        for name in ("mastery_points", "points_possible"):
            text = _text(element, name)
            if text:
                try:
                    found[name] = float(text)
                except ValueError:
                    self.deviations.append(Deviation(f"{where} <{name}>", f"{text!r} is not a number; ignored"))
        ratings = []
        container = _child(element, "ratings")
        for rating in container if container is not None else []:
            points = _text(rating, "points")
            try:
                ratings.append([float(points), _text(rating, "description")])
            except ValueError:
                self.deviations.append(Deviation(f"line {rating.sourceline}, <rating>",
                                                 f"points {points!r} are not a number; rating ignored"))
        if ratings:
            found["ratings"] = sorted(ratings, key=lambda pair: -pair[0])
        return found


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return child
    return None


def _text(element: etree._Element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _rejected(where: str, message: str, deviations: list[Deviation] | None = None) -> FrameworkPackage:
    return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                            deviations=[*(deviations or []), Deviation(where, message, fatal=True)],
                            source_format=FORMAT)


register_reader(FORMAT, read, [".xml"])
__all__ = ["FORMAT", "NAMESPACE", "UnsafeXml", "read"]
