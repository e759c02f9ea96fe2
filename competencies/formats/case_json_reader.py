"""A parsed CFPackage walked into Worklink's records: the document, items, associations,
rubrics and Worklink's own mastery scale.

Real packages stray from the schema (README of the shared data lists the ones we have), so the
reader is tolerant: it keeps what it can use and reports every oddity as a
:class:`~competencies.package.Deviation` with its JSON path; each value is read by
:class:`~competencies.formats.case_values.ValueReader`. Getting the file to this parsed form
(size limit, encoding, streaming) is :mod:`competencies.formats.case_json`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from competencies.formats.case_identifiers import SOURCE_IDENTIFIER
from competencies.formats.case_values import (
    ValueReader,
    json_list,
    json_object,
    json_type,
    string,
)
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    RubricCriterionRecord,
    RubricLevelRecord,
    RubricRecord,
    ScaleLevelRecord,
)

_PACKAGE_KEYS = {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics",
                 "extensions"}
_DOCUMENT_KEYS = {
    "identifier", "uri", "frameworkType", "caseVersion", "creator", "title", "lastChangeDateTime",
    "officialSourceURL", "publisher", "description", "subject", "subjectURI", "language",
    "version", "adoptionStatus", "statusStartDate", "statusEndDate", "licenseURI", "notes",
    "extensions",
}
_ITEM_KEYS = {
    "identifier", "fullStatement", "alternativeLabel", "CFItemType", "uri", "humanCodingScheme",
    "listEnumeration", "abbreviatedStatement", "conceptKeywords", "conceptKeywordsURI", "notes",
    "subject", "subjectURI", "language", "educationLevel", "CFItemTypeURI", "licenseURI",
    "statusStartDate", "statusEndDate", "lastChangeDateTime", "extensions",
}
_ASSOCIATION_KEYS = {
    "identifier", "associationType", "sequenceNumber", "uri", "originNodeURI",
    "destinationNodeURI", "CFAssociationGroupingURI", "lastChangeDateTime", "notes", "extensions",
}


def rejected(where: str, message: str) -> FrameworkPackage:
    """A package of nothing but one fatal deviation at ``where``."""
    return FrameworkPackage(
        framework=FrameworkRecord(identifier="", title=""),
        deviations=[Deviation(where, message, fatal=True)], source_format="case",
    )


def _consumed(entries: list[Any] | None) -> Iterator[tuple[int, Any]]:
    """Each entry with its index, released from the parsed document once it has been read.

    A 50,000-item package is ~200 MB as parsed JSON and again as records; letting each parsed
    entry go as its record is made keeps the two from being held whole at the same time.
    """
    if not entries:
        return
    for index in range(len(entries)):
        raw, entries[index] = entries[index], None
        yield index, raw


class PackageReader(ValueReader):
    """Reads one parsed CFPackage; a reader collects the deviations of one package."""

    def __init__(self, *, consume: bool = False) -> None:
        super().__init__()
        self.consume = consume
        """Release the parsed document's entries as they are read (only for our own parse)."""

    def read(self, package: Any, *, items: list[ItemRecord] | None = None,
             associations: list[AssociationRecord] | None = None) -> FrameworkPackage:
        """The package from its parsed form; ``items`` and ``associations``, when given, were
        read already (streamed from a file) and stand for the package's own arrays."""
        if not isinstance(package, dict):
            return rejected("$", "the top level must be a JSON object (a CFPackage), "
                                 f"found {json_type(package)}")
        for key in package.keys() - _PACKAGE_KEYS:
            self.note(key, "property is not part of a CASE package; ignored")
        fatal = [
            Deviation(key, f"must be a JSON array, found {json_type(package[key])}", True)
            for key in ("CFItems", "CFAssociations", "CFRubrics")
            if package.get(key) is not None and not isinstance(package[key], list)
        ]
        document = package.get("CFDocument")
        if not isinstance(document, dict):
            found = "it is missing" if document is None else f"found {json_type(document)}"
            fatal.insert(0, Deviation("CFDocument", f"must be a JSON object, {found}", True))
        if fatal:
            return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                                    deviations=fatal, source_format="case")
        definitions = json_object(package.get("CFDefinitions"))
        framework = self.framework(json_object(document), definitions)
        self.check_definitions(definitions)
        if framework is None:
            return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                                    deviations=self.deviations, source_format="case")
        if items is None:
            items = [
                item for index, raw in self.entries(package.get("CFItems"))
                if (item := self.item(raw, f"CFItems[{index}]", definitions)) is not None
            ]
        if associations is None:
            associations = [
                association for index, raw in self.entries(package.get("CFAssociations"))
                if (association := self.association(raw, f"CFAssociations[{index}]")) is not None
            ]
        rubrics = [
            rubric for index, raw in enumerate(package.get("CFRubrics") or [])
            if (rubric := self.rubric(raw, f"CFRubrics[{index}]")) is not None
        ]
        extensions = package.get("extensions")
        scale = self.scale(extensions.get("masteryScale") if isinstance(extensions, dict) else None)
        if framework.case_version == "1.1":
            source_format = "case-1.1"
        else:
            source_format = "case-pre-1.0" if self.pre_1_0 else "case-1.0"
        return FrameworkPackage(framework=framework, items=items, associations=associations,
                                rubrics=rubrics, scale=scale, deviations=self.deviations,
                                source_format=source_format)

    def entries(self, raw: list[Any] | None) -> Iterator[tuple[int, Any]]:
        return _consumed(raw) if self.consume else enumerate(raw or [])

    # -- the document -------------------------------------------------------------------------

    def framework(self, raw: dict[str, Any], definitions: dict[str, Any]) -> FrameworkRecord | None:
        where = "CFDocument"
        self.unknown_keys(raw, _DOCUMENT_KEYS, where)
        identifier = self.identifier(raw, where)
        if identifier is None:
            self.note(f"{where}.identifier", "the CFDocument has no identifier", fatal=True)
            return None
        title = self.text(raw, "title", where)
        if title is None:
            self.note(f"{where}.title", "required title is missing; the identifier is used")
        creator = self.text(raw, "creator", where)
        if creator is None:
            self.note(f"{where}.creator", "required creator is missing")
        extensions = json_object(raw.get("extensions"))
        case_version = self.text(raw, "caseVersion", where)
        if case_version not in (None, "1.1"):
            self.note(f"{where}.caseVersion", f"unknown CASE version {case_version!r}; read as 1.1")
        return FrameworkRecord(
            identifier=identifier,
            title=title or identifier,
            creator=creator,
            publisher=self.text(raw, "publisher", where),
            version=self.text(raw, "version", where),
            description=self.text(raw, "description", where) or self.text(raw, "notes", where),
            licence=self.licence(raw.get("licenseURI"), definitions, f"{where}.licenseURI"),
            attribution=string(extensions.get("attribution")),
            source_url=self.text(raw, "officialSourceURL", where),
            language=self.text(raw, "language", where),
            adoption_status=self.text(raw, "adoptionStatus", where),
            subjects=self.strings(raw, "subject", where),
            framework_type=self.text(raw, "frameworkType", where),
            last_change=self.timestamp(raw, where),
            case_version=case_version,
            uri=self.text(raw, "uri", where),
        )

    def licence(self, link: Any, definitions: dict[str, Any], where: str) -> str | None:
        if not isinstance(link, dict):
            return None
        for licence in definitions.get("CFLicenses") or []:
            if isinstance(licence, dict) and licence.get("identifier") == link.get("identifier"):
                return string(licence.get("licenseText")) or string(licence.get("title"))
        return string(link.get("title")) or string(link.get("uri"))

    # -- items ------------------------------------------------------------------------------

    def item(self, raw: Any, where: str, definitions: dict[str, Any]) -> ItemRecord | None:
        if not isinstance(raw, dict):
            self.note(where, f"a CFItem must be an object, found {json_type(raw)}; skipped")
            return None
        self.unknown_keys(raw, _ITEM_KEYS, where)
        identifier = self.identifier(raw, where)
        if identifier is None:
            self.note(where, "the CFItem has no identifier; skipped")
            return None
        statement = self.text(raw, "fullStatement", where)
        if statement is None:
            self.note(f"{where}.fullStatement", "required fullStatement is missing; skipped")
            return None
        item_type = self.text(raw, "CFItemType", where)
        type_link = raw.get("CFItemTypeURI")
        if item_type is None and isinstance(type_link, dict):
            item_type = string(type_link.get("title"))
        if "educationalLevel" in raw and "educationLevel" not in raw:
            levels = self.strings(raw, "educationalLevel", where, split=True)
        else:
            levels = self.strings(raw, "educationLevel", where, split=True)
        extensions = dict(json_object(raw.get("extensions")))
        extensions.pop(SOURCE_IDENTIFIER, None)
        if "subject" in raw:
            extensions["subject"] = self.strings(raw, "subject", where)
        return ItemRecord(
            identifier=self.share(identifier),
            full_statement=statement,
            human_coding_scheme=self.text(raw, "humanCodingScheme", where),
            abbreviated_statement=self.text(raw, "abbreviatedStatement", where),
            item_type=item_type and self.share(item_type),
            education_levels=levels,
            keywords=self.strings(raw, "conceptKeywords", where, split=True),
            list_enumeration=self._shared_text(raw, "listEnumeration", where),
            language=self._shared_text(raw, "language", where),
            notes=self.text(raw, "notes", where),
            uri=self.text(raw, "uri", where),
            last_change=self.timestamp(raw, where),
            extra=extensions,
            where=where,
        )

    # -- associations -------------------------------------------------------------------------

    def association(self, raw: Any, where: str) -> AssociationRecord | None:
        if not isinstance(raw, dict):
            self.note(where, f"a CFAssociation must be an object, found {json_type(raw)}; "
                             "skipped")
            return None
        self.unknown_keys(raw, _ASSOCIATION_KEYS, where)
        identifier = self.identifier(raw, where)
        if identifier is None:
            self.note(where, "the CFAssociation has no identifier; skipped")
            return None
        kind = self.text(raw, "associationType", where)
        if kind is None:
            self.note(f"{where}.associationType", "associationType is missing; skipped")
            return None
        if kind not in AssociationType.__members__.values() and not kind.startswith("ext:"):
            self.note(f"{where}.associationType",
                      f"{kind!r} is not a CASE association type; kept as an extension type")
        origin = self.node(raw, "origin", where)
        destination = self.node(raw, "destination", where)
        if origin is None or destination is None:
            return None
        self.check_link(raw.get("CFAssociationGroupingURI"), f"{where}.CFAssociationGroupingURI")
        extensions = json_object(raw.get("extensions"))
        if isinstance(extensions.get("sourceAssociationType"), str):
            kind = extensions["sourceAssociationType"]
        return AssociationRecord(
            identifier=identifier,
            association_type=self.share(kind),
            origin=origin,
            destination=destination,
            destination_framework=string(extensions.get("destinationFramework")),
            sequence=self.integer(raw, "sequenceNumber", where),
            last_change=self.timestamp(raw, where),
            notes=self.text(raw, "notes", where),
            where=where,
        )

    def node(self, raw: dict[str, Any], end: str, where: str) -> str | None:
        """The identifier at one end: ``originNodeURI.identifier`` or pre-1.0 ``…Identifier``."""
        link, flat = raw.get(f"{end}NodeURI"), raw.get(f"{end}NodeIdentifier")
        linked = string(link.get("identifier")) if isinstance(link, dict) else None
        if isinstance(flat, str) and linked is not None and flat != linked:
            self.note(f"{where}.{end}NodeIdentifier",
                      f"differs from {end}NodeURI.identifier; {end}NodeURI is used")
        identifier = linked or string(flat)
        if identifier is None:
            self.note(f"{where}.{end}NodeURI", f"the association has no {end} node; skipped")
            return None
        return self.share(self.aliases.get(identifier, identifier))

    def _shared_text(self, raw: dict[str, Any], key: str, where: str) -> str | None:
        value = self.text(raw, key, where)
        return value and self.share(value)

    # -- rubrics and scale --------------------------------------------------------------------

    def rubric(self, raw: Any, where: str) -> RubricRecord | None:
        if not isinstance(raw, dict) or (identifier := self.identifier(raw, where)) is None:
            self.note(where, "a CFRubric must be an object with an identifier; skipped")
            return None
        criteria: list[RubricCriterionRecord] = []
        for index, criterion in enumerate(json_list(raw.get("CFRubricCriteria"))):
            at = f"{where}.CFRubricCriteria[{index}]"
            if not isinstance(criterion, dict) or (cid := self.identifier(criterion, at)) is None:
                self.note(at, "a criterion must be an object with an identifier; skipped")
                continue
            link = criterion.get("CFItemURI")
            item = string(link.get("identifier")) if isinstance(link, dict) else None
            levels: list[RubricLevelRecord] = []
            for number, level in enumerate(json_list(criterion.get("CFRubricCriterionLevels"))):
                lat = f"{at}.CFRubricCriterionLevels[{number}]"
                if not isinstance(level, dict) or (lid := self.identifier(level, lat)) is None:
                    self.note(lat, "a level must be an object with an identifier; skipped")
                    continue
                levels.append(RubricLevelRecord(
                    identifier=lid, description=self.text(level, "description", lat) or "",
                    score=self.number(level, "score", lat) or 0.0,
                    quality=self.text(level, "quality", lat),
                    feedback=self.text(level, "feedback", lat),
                    position=self.integer(level, "position", lat),
                ))
            weight = self.number(criterion, "weight", at)
            criteria.append(RubricCriterionRecord(
                identifier=cid, description=self.text(criterion, "description", at) or "",
                category=self.text(criterion, "category", at),
                item_identifier=self.aliases.get(item, item) if item else None,
                weight=1.0 if weight is None else weight,
                position=self.integer(criterion, "position", at), levels=levels,
            ))
        return RubricRecord(
            identifier=identifier,
            title=self.text(raw, "title", where) or self.text(raw, "description", where) or "",
            description=self.text(raw, "description", where), criteria=criteria,
            last_change=self.timestamp(raw, where), uri=self.text(raw, "uri", where),
        )

    def scale(self, raw: Any) -> list[ScaleLevelRecord]:
        """Worklink's own mastery scale, carried in the package ``extensions`` of its exports."""
        levels = []
        for index, level in enumerate(json_list(raw)):
            where = f"extensions.masteryScale[{index}]"
            if not isinstance(level, dict) or not isinstance(level.get("label"), str):
                self.note(where, "a scale level needs a label; skipped")
                continue
            levels.append(ScaleLevelRecord(
                label=level["label"], points=self.number(level, "points", where) or 0.0,
                proficient=bool(level.get("proficient")), color=string(level.get("color")),
            ))
        return levels

    def check_definitions(self, definitions: dict[str, Any]) -> None:
        """Report oddities in CFDefinitions; Worklink keeps none of them but the item type names."""
        for kind, entries in definitions.items():
            for index, entry in enumerate(json_list(entries)):
                where = f"CFDefinitions.{kind}[{index}]"
                if not isinstance(entry, dict):
                    self.note(where, f"expected an object, found {json_type(entry)}")
                    continue
                for key, value in entry.items():
                    if value is None:
                        self.note(f"{where}.{key}", "is null; CASE wants a value or no property")
                self.timestamp(entry, where)
