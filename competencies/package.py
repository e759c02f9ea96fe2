"""A framework as read from any source, before it touches the database.

Every reader (CASE JSON, spreadsheets, XML, O*NET, built-ins) produces a ``FrameworkPackage``;
one writer (``competencies.importing``) stores it. Readers never see the database and the writer
never sees a file format, so each can be tested alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any


class AssociationType(enum.StrEnum):
    """CASE 1.1 association types (``CFAssociation.associationType``)."""

    IS_CHILD_OF = "isChildOf"
    IS_PEER_OF = "isPeerOf"
    IS_PART_OF = "isPartOf"
    EXACT_MATCH_OF = "exactMatchOf"
    PRECEDES = "precedes"
    IS_RELATED_TO = "isRelatedTo"
    REPLACED_BY = "replacedBy"
    EXEMPLAR = "exemplar"
    HAS_SKILL_LEVEL = "hasSkillLevel"
    IS_TRANSLATION_OF = "isTranslationOf"


@dataclasses.dataclass(frozen=True)
class Deviation:
    """Something in the source that is not as the format says, kept rather than fatal."""

    where: str
    """A precise location: ``CFItems[12].identifier``, ``line 40, column 'Id number'``."""
    message: str
    fatal: bool = False


@dataclasses.dataclass(slots=True)  # slots: 50,000 of these are held at once on a large import
class ItemRecord:
    identifier: str
    """The CASE GUID, or an identifier derived stably from the source (never random)."""
    full_statement: str
    human_coding_scheme: str | None = None
    abbreviated_statement: str | None = None
    item_type: str | None = None
    education_levels: list[str] = dataclasses.field(default_factory=list)
    keywords: list[str] = dataclasses.field(default_factory=list)
    list_enumeration: str | None = None
    sequence: int | None = None
    language: str | None = None
    notes: str | None = None
    uri: str | None = None
    last_change: dt.datetime | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Source facts with no column of their own (O*NET importance and level, for example)."""
    where: str | None = None
    """Where the record stands in the source (``CFItems[12]``, ``line 40``), for reports."""


@dataclasses.dataclass(slots=True)
class AssociationRecord:
    identifier: str
    association_type: str
    """Usually an :class:`AssociationType` value; CASE allows extensions, so kept as text."""
    origin: str
    """Identifier of the origin node (an item, or the framework itself)."""
    destination: str
    destination_framework: str | None = None
    """Set when the destination lives in another framework (a crosswalk)."""
    sequence: int | None = None
    last_change: dt.datetime | None = None
    notes: str | None = None
    where: str | None = None
    """Where the record stands in the source (``CFAssociations[3]``), for reports."""


@dataclasses.dataclass
class ScaleLevelRecord:
    label: str
    points: float
    proficient: bool = False
    color: str | None = None
    """Six hex digits, as Canvas mastery scales carry them."""


@dataclasses.dataclass
class RubricLevelRecord:
    identifier: str
    description: str
    score: float
    quality: str | None = None
    feedback: str | None = None
    position: int | None = None


@dataclasses.dataclass
class RubricCriterionRecord:
    identifier: str
    description: str
    category: str | None = None
    item_identifier: str | None = None
    weight: float = 1.0
    position: int | None = None
    levels: list[RubricLevelRecord] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class RubricRecord:
    identifier: str
    title: str
    description: str | None = None
    criteria: list[RubricCriterionRecord] = dataclasses.field(default_factory=list)
    last_change: dt.datetime | None = None
    uri: str | None = None


@dataclasses.dataclass
class FrameworkRecord:
    identifier: str
    title: str
    creator: str | None = None
    publisher: str | None = None
    jurisdiction: str | None = None
    """Whose standards these are (ASN), kept apart from the publisher of the file."""
    version: str | None = None
    description: str | None = None
    licence: str | None = None
    attribution: str | None = None
    """Text that must be shown wherever this framework's data is (O*NET's credit line)."""
    source_url: str | None = None
    language: str | None = None
    adoption_status: str | None = None
    subjects: list[str] = dataclasses.field(default_factory=list)
    framework_type: str | None = None
    last_change: dt.datetime | None = None
    case_version: str | None = None
    uri: str | None = None
    """The published CASE ``uri`` of the CFDocument, when the source has one."""


@dataclasses.dataclass
class FrameworkPackage:
    framework: FrameworkRecord
    items: list[ItemRecord] = dataclasses.field(default_factory=list)
    associations: list[AssociationRecord] = dataclasses.field(default_factory=list)
    rubrics: list[RubricRecord] = dataclasses.field(default_factory=list)
    scale: list[ScaleLevelRecord] = dataclasses.field(default_factory=list)
    deviations: list[Deviation] = dataclasses.field(default_factory=list)
    source_format: str = ""
    """``case-1.0``, ``case-1.1``, ``canvas-csv``, ``moodle-csv``, ``onet``…"""
