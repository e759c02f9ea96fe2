"""CASE 1.1 JSON out: a :class:`~competencies.package.FrameworkPackage` as a CFPackage dict.

The result validates against the official 1EdTech CASE 1.1 package schema (with format
checking), whatever the source was: identifiers that are not UUIDs are replaced by stable
uuid5s and the originals kept in ``extensions.sourceIdentifier``; Worklink facts CASE has no
field for (attribution, mastery scale, O*NET ratings in ``extra``) travel in ``extensions``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from competencies.formats.case_identifiers import SOURCE_IDENTIFIER, case_uuid
from competencies.package import (
    AssociationRecord,
    AssociationType,
    FrameworkPackage,
    ItemRecord,
    RubricRecord,
)

_EXTENSION_TYPE = re.compile(r"ext:[a-zA-Z0-9.\-_]+")
_UNSAFE_EXTENSION_CHARS = re.compile(r"[^a-zA-Z0-9.\-_]")


def write(package: FrameworkPackage, *, base_uri: str | None = None,
          now: dt.datetime | None = None) -> dict[str, Any]:
    """The package as a CASE 1.1 CFPackage.

    ``base_uri`` (e.g. ``https://worklink.example/ims/case/v1p1``) builds ``uri`` values for
    nodes that have none; without it they become ``urn:uuid:…``. ``now`` stands in for missing
    ``lastChangeDateTime`` values, which CASE requires.
    """
    return _PackageWriter(package, base_uri, now or dt.datetime.now(dt.UTC)).write()


class _PackageWriter:
    def __init__(self, package: FrameworkPackage, base_uri: str | None, now: dt.datetime):
        self.package = package
        self.base_uri = base_uri.rstrip("/") if base_uri else None
        self.fallback_time = package.framework.last_change or now
        self.items = {item.identifier: item for item in package.items}

    def write(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "CFDocument": self.document(),
            "CFItems": [self.item(item) for item in self.package.items],
            "CFAssociations": [self.association(a) for a in self.package.associations],
        }
        licence = self.package.framework.licence
        if licence:
            result["CFDefinitions"] = {"CFLicenses": [{
                "identifier": self.licence_id(), "uri": self.uri("CFLicenses", None,
                                                                 self.licence_id()),
                "title": licence.splitlines()[0][:200], "licenseText": licence,
                "lastChangeDateTime": self.time(None),
            }]}
        if self.package.rubrics:
            result["CFRubrics"] = [self.rubric(rubric) for rubric in self.package.rubrics]
        if self.package.scale:
            result["extensions"] = {"masteryScale": [
                _without_none({"label": level.label, "points": level.points,
                               "proficient": level.proficient, "color": level.color})
                for level in self.package.scale
            ]}
        return result

    def document(self) -> dict[str, Any]:
        framework = self.package.framework
        identifier = case_uuid(framework.identifier)
        extensions = _without_none({
            SOURCE_IDENTIFIER: _original(framework.identifier),
            "attribution": framework.attribution,
            "sourceFormat": self.package.source_format or None,
        })
        licence_link = None
        if framework.licence:
            licence_link = {"title": framework.licence.splitlines()[0][:200],
                            "identifier": self.licence_id(),
                            "uri": self.uri("CFLicenses", None, self.licence_id())}
        return _without_none({
            "identifier": identifier,
            "uri": self.uri("CFDocuments", framework.uri, identifier),
            "frameworkType": framework.framework_type,
            "caseVersion": "1.1",
            # CASE requires a creator; a source without one still has a publisher or a title.
            "creator": framework.creator or framework.publisher or framework.title,
            "title": framework.title,
            "lastChangeDateTime": self.time(framework.last_change),
            "officialSourceURL": framework.source_url,
            "publisher": framework.publisher,
            "description": framework.description,
            "subject": framework.subjects or None,
            "language": framework.language,
            "version": framework.version,
            "adoptionStatus": framework.adoption_status,
            "licenseURI": licence_link,
            "extensions": extensions or None,
        })

    def item(self, item: ItemRecord) -> dict[str, Any]:
        identifier = case_uuid(item.identifier)
        extensions = {key: value for key, value in item.extra.items() if key != "subject"}
        if (original := _original(item.identifier)) is not None:
            extensions[SOURCE_IDENTIFIER] = original
        subject = item.extra.get("subject")
        return _without_none({
            "identifier": identifier,
            "fullStatement": item.full_statement,
            "CFItemType": item.item_type,
            "uri": self.uri("CFItems", item.uri, identifier),
            "humanCodingScheme": item.human_coding_scheme,
            "listEnumeration": item.list_enumeration,
            "abbreviatedStatement": item.abbreviated_statement,
            "conceptKeywords": item.keywords or None,
            "notes": item.notes,
            "subject": subject if isinstance(subject, list) and subject else None,
            "language": item.language,
            "educationLevel": item.education_levels or None,
            "lastChangeDateTime": self.time(item.last_change),
            "extensions": extensions or None,
        })

    def association(self, association: AssociationRecord) -> dict[str, Any]:
        identifier = case_uuid(association.identifier)
        kind = association.association_type
        extensions = _without_none({
            SOURCE_IDENTIFIER: _original(association.identifier),
            "destinationFramework": association.destination_framework,
        })
        if kind not in AssociationType.__members__.values() and not _EXTENSION_TYPE.fullmatch(kind):
            extensions["sourceAssociationType"] = kind
            kind = "ext:" + _UNSAFE_EXTENSION_CHARS.sub("-", kind.removeprefix("ext:"))
        return _without_none({
            "identifier": identifier,
            "associationType": kind,
            "sequenceNumber": association.sequence,
            "uri": self.uri("CFAssociations", None, identifier),
            "originNodeURI": self.link(association.origin),
            "destinationNodeURI": self.link(association.destination,
                                            association.destination_framework),
            "lastChangeDateTime": self.time(association.last_change),
            "notes": association.notes,
            "extensions": extensions or None,
        })

    def link(self, identifier: str, framework: str | None = None) -> dict[str, Any]:
        """A LinkGenURI; a node outside the package keeps its own identifier and gets a type."""
        document = self.package.framework
        if identifier == document.identifier:
            uuid = case_uuid(identifier)
            return {"title": document.title, "identifier": uuid,
                    "uri": self.uri("CFDocuments", document.uri, uuid)}
        item = self.items.get(identifier)
        if item is not None:
            uuid = case_uuid(identifier)
            return {"title": _title(item), "identifier": uuid,
                    "uri": self.uri("CFItems", item.uri, uuid)}
        uri = identifier if re.match(r"[a-z][a-z0-9+.\-]*:", identifier, re.I) else \
            f"urn:uuid:{case_uuid(identifier)}"
        link = {"title": identifier, "identifier": identifier, "uri": uri}
        if framework is not None:
            link["targetType"] = "CASE"
        return link

    def rubric(self, rubric: RubricRecord) -> dict[str, Any]:
        rubric_id = case_uuid(rubric.identifier)
        criteria = []
        for criterion in rubric.criteria:
            criterion_id = case_uuid(criterion.identifier)
            item = self.items.get(criterion.item_identifier or "")
            levels = [_without_none({
                "identifier": case_uuid(level.identifier),
                "uri": self.uri("CFRubricCriterionLevels", None, case_uuid(level.identifier)),
                "description": level.description or None,
                "quality": level.quality, "score": level.score, "feedback": level.feedback,
                "position": level.position, "rubricCriterionId": criterion_id,
                "lastChangeDateTime": self.time(rubric.last_change),
                # CASE 1.1 types level extensions as an array of objects.
                "extensions": ([{SOURCE_IDENTIFIER: _original(level.identifier)}]
                               if _original(level.identifier) else None),
            }) for level in criterion.levels]
            item_link = None
            if criterion.item_identifier:
                item_uuid = case_uuid(criterion.item_identifier)
                item_link = {"title": _title(item) if item else criterion.item_identifier,
                             "identifier": item_uuid,
                             "uri": self.uri("CFItems", item.uri if item else None, item_uuid)}
            criteria.append(_without_none({
                "identifier": criterion_id,
                "uri": self.uri("CFRubricCriteria", None, criterion_id),
                "category": criterion.category, "description": criterion.description or None,
                "CFItemURI": item_link, "weight": criterion.weight,
                "position": criterion.position, "rubricId": rubric_id,
                "lastChangeDateTime": self.time(rubric.last_change),
                "CFRubricCriterionLevels": levels,
                "extensions": _without_none({SOURCE_IDENTIFIER: _original(criterion.identifier)})
                or None,
            }))
        return _without_none({
            "identifier": rubric_id, "uri": self.uri("CFRubrics", rubric.uri, rubric_id),
            "title": rubric.title, "description": rubric.description,
            "lastChangeDateTime": self.time(rubric.last_change),
            "CFRubricCriteria": criteria,
            "extensions": _without_none({SOURCE_IDENTIFIER: _original(rubric.identifier)})
            or None,
        })

    def licence_id(self) -> str:
        return case_uuid(f"licence:{self.package.framework.identifier}")

    def uri(self, kind: str, given: str | None, identifier: str) -> str:
        if given:
            return given
        if self.base_uri:
            return f"{self.base_uri}/{kind}/{identifier}"
        return f"urn:uuid:{identifier}"

    def time(self, moment: dt.datetime | None) -> str:
        moment = (moment or self.fallback_time).astimezone(dt.UTC)
        return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _original(identifier: str) -> str | None:
    """The identifier to keep in extensions when the CASE one had to be derived."""
    return None if case_uuid(identifier) == identifier else identifier


def _title(item: ItemRecord) -> str:
    return item.human_coding_scheme or item.abbreviated_statement or item.full_statement[:200]


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
