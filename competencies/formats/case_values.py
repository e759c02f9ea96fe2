"""Reading CASE JSON values tolerantly: each oddity becomes a located deviation, not an error.

The rules CASE files break most (numbers as strings, times without a zone, ``sourcedId`` for
``identifier``, pre-1.0 property names) live here; :mod:`competencies.formats.case_json_reader`
walks the package and asks these for each value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from competencies.formats.case_identifiers import SOURCE_IDENTIFIER, is_case_uuid
from competencies.package import Deviation

# Shapes of the 2016 OpenSALT drafts (before CASE 1.0); seeing one marks the package pre-1.0.
PRE_1_0_KEYS = {
    "educationalLevel": "pre-1.0 name of educationLevel; read as educationLevel",
    "originNodeIdentifier": "pre-1.0 copy of originNodeURI.identifier; used only without it",
    "destinationNodeIdentifier": "pre-1.0 copy of destinationNodeURI.identifier; used only "
                                 "without it",
    "CFDocumentURI": "pre-1.0 back link to the document; ignored",
    "CFItemAssociationURI": "pre-1.0 link to the item's associations; ignored",
    "CFAssociationGroupingIdentifier": "pre-1.0 copy of CFAssociationGroupingURI.identifier; "
                                       "ignored",
    "CFPackageURI": "pre-1.0 link to the package; ignored",
    "subjectURL": "pre-1.0 name of subjectURI; ignored",
}
_MOMENTS_KEPT = 1_000
_ZONE = re.compile(r"(Z|[+-]\d\d:?\d\d)$", re.IGNORECASE)


class ValueReader:
    """Collects deviations while reading values out of CASE JSON objects."""

    def __init__(self) -> None:
        self.deviations: list[Deviation] = []
        self.pre_1_0 = False
        self.aliases: dict[str, str] = {}
        """Exported UUID → original identifier, for packages Worklink wrote itself."""
        self.shared: dict[str, str] = {}
        """One copy of each value that recurs across entries (see :meth:`share`)."""
        self.moments: dict[str, dt.datetime] = {}
        """Cleanly written date-times already parsed, by their text (see :meth:`timestamp`)."""

    def share(self, value: str) -> str:
        """``value``, or an equal string read before: the JSON decoder makes a new string for
        every occurrence, and a 50,000-item package repeats its keywords, levels, types and
        every item's identifier (at both ends of its associations) tens of thousands of times:
        one copy of each saves ~25 MB of the import's peak."""
        return self.shared.setdefault(value, value)

    def note(self, where: str, message: str, *, fatal: bool = False) -> None:
        self.deviations.append(Deviation(where, message, fatal))

    def check_link(self, link: Any, where: str) -> None:
        if isinstance(link, dict):
            for key in ("title", "identifier", "uri"):
                if link.get(key) is None:
                    self.note(f"{where}.{key}", "is null or missing in a CASE link")


    def unknown_keys(self, raw: dict[str, Any], known: set[str], where: str) -> None:
        for key in raw.keys() - known:
            if key == "sourcedId":
                continue
            if key in PRE_1_0_KEYS:
                self.pre_1_0 = True
                self.note(f"{where}.{key}", PRE_1_0_KEYS[key])
            else:
                self.note(f"{where}.{key}", "property is not in CASE 1.1; ignored")

    def identifier(self, raw: dict[str, Any], where: str) -> str | None:
        value = raw.get("identifier")
        if value is None and "sourcedId" in raw:
            value = raw["sourcedId"]
            self.note(f"{where}.sourcedId", "sourcedId used where CASE says identifier")
        if isinstance(value, int) and not isinstance(value, bool):
            self.note(f"{where}.identifier", "identifier is a number; read as text")
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return None
        value = value.strip()
        extensions = raw.get("extensions")
        if isinstance(extensions, list):  # CASE 1.1 types rubric level extensions as an array
            extensions = next((entry for entry in extensions if isinstance(entry, dict)), None)
        original = extensions.get(SOURCE_IDENTIFIER) if isinstance(extensions, dict) else None
        if isinstance(original, str) and original:
            self.aliases[value] = original
            return original
        if not is_case_uuid(value):
            self.note(f"{where}.identifier", "identifier is not a CASE UUID; kept as is "
                      "(a UUID is derived from it on export)")
        return value

    def text(self, raw: dict[str, Any], key: str, where: str) -> str | None:
        value = raw.get(key)
        if value is None or isinstance(value, str):
            return value if value else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.note(f"{where}.{key}", "a number where CASE expects text; read as text")
            return str(value)
        self.note(f"{where}.{key}", f"expected text, found {json_type(value)}; ignored")
        return None

    def strings(self, raw: dict[str, Any], key: str, where: str, *, split: bool = False,
                ) -> list[str]:
        value = raw.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            self.note(f"{where}.{key}", "a single string where CASE expects an array; "
                      + ("split at commas" if split else "read as a one-element array"))
            parts = value.split(",") if split else [value]
            return [self.share(part.strip()) for part in parts if part.strip()]
        if isinstance(value, list) and all(isinstance(part, str) for part in value):
            # Sized exactly (a comprehension leaves room to grow): 100,000 of these on a
            # large import.
            return list(tuple(self.share(part) for part in value if part))
        self.note(f"{where}.{key}", f"expected an array of text, found {json_type(value)}; "
                                    "ignored")
        return []

    def integer(self, raw: dict[str, Any], key: str, where: str) -> int | None:
        value = raw.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            self.note(f"{where}.{key}", "a number written as a string; read as a number")
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.note(f"{where}.{key}", f"expected an integer, found {value!r}; ignored")
        return None

    def number(self, raw: dict[str, Any], key: str, where: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                pass
            else:
                self.note(f"{where}.{key}", "a number written as a string; read as a number")
                return number
        self.note(f"{where}.{key}", f"expected a number, found {value!r}; ignored")
        return None

    def timestamp(self, raw: dict[str, Any], where: str) -> dt.datetime | None:
        key = "lastChangeDateTime"
        value = raw.get(key)
        if value is None:
            self.note(f"{where}.{key}", "required lastChangeDateTime is missing")
            return None
        if not isinstance(value, str):
            self.note(f"{where}.{key}", f"expected a date-time, found {json_type(value)}; "
                                        "ignored")
            return None
        known = self.moments.get(value)
        if known is not None:
            return known
        text = value.strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            self.note(f"{where}.{key}", f"{value!r} is not an ISO 8601 date-time; ignored")
            return None
        if moment.tzinfo is None:
            if len(text) <= 10:
                self.note(f"{where}.{key}", "a date without a time; read as midnight UTC")
            else:
                self.note(f"{where}.{key}", "date-time without a time zone; read as UTC")
            return moment.replace(tzinfo=dt.UTC)
        if not _ZONE.search(text):
            self.note(f"{where}.{key}", f"unusual time-zone form in {value!r}")
            return moment.astimezone(dt.UTC)
        moment = moment.astimezone(dt.UTC)
        if len(self.moments) < _MOMENTS_KEPT:  # files often stamp every entry alike
            self.moments[value] = moment  # datetimes are immutable: one object serves all
        return moment


def string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def json_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def json_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value),
                                                                        type(value).__name__)
