"""Frameworks Worklink ships, typed in from public facts: ``names()``, ``load(name)``, ``starter_scale()``.

The data lives in ``competencies/data/*.json`` as nested items with codes; identifiers are
uuid5 of the framework key and the code, so they never change between releases.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from competencies.formats.case_identifiers import case_uuid
from competencies.package import (
    AssociationRecord,
    AssociationType,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    ScaleLevelRecord,
)

FORMAT = "builtin"
_FRAMEWORKS = ("employability-skills", "career-clusters-2024")
_SCALE = "starter-mastery-scale"


def names() -> list[str]:
    """The built-in frameworks that :func:`load` accepts."""
    return list(_FRAMEWORKS)


def load(name: str) -> FrameworkPackage:
    """The built-in framework ``name`` as a package, ready for the importer."""
    if name not in _FRAMEWORKS:
        raise LookupError(f"no built-in framework {name!r}; there are: {', '.join(_FRAMEWORKS)}")
    data = _data(name)
    about = data["framework"]
    framework = FrameworkRecord(
        identifier=identifier(about["key"], ""), title=about["title"], creator=about.get("creator"),
        publisher=about.get("publisher"), version=about.get("version"), licence=about.get("licence"),
        source_url=about.get("source_url"), language=about.get("language"),
        description="\n\n".join(filter(None, [about.get("description"), data.get("notes")])) or None,
    )
    package = FrameworkPackage(framework=framework, source_format=FORMAT,
                               scale=starter_scale() if name == "employability-skills" else [])
    _add(package, about["key"], data["items"], framework.identifier)
    return package


def starter_scale() -> list[ScaleLevelRecord]:
    """Four levels with points, a proficient flag and a colour, for schools that have no scale yet."""
    return [ScaleLevelRecord(label=level["label"], points=float(level["points"]), proficient=level["proficient"],
                             color=level["color"]) for level in _data(_SCALE)["levels"]]


def identifier(framework_key: str, code: str) -> str:
    """The stable identifier of a built-in framework (empty code) or of one of its items."""
    return case_uuid(f"worklink-builtin\x1f{framework_key}\x1f{code}")


def _add(package: FrameworkPackage, key: str, nodes: list[dict[str, Any]], parent: str) -> None:
    for position, node in enumerate(nodes, start=1):
        item = ItemRecord(
            identifier=identifier(key, node["code"]), full_statement=node["statement"],
            human_coding_scheme=node["code"], item_type=node["type"], notes=node.get("description"),
            sequence=position, language="en",
            extra={flag: True for flag in ("uncertain", "cross_cutting") if node.get(flag)})
        package.items.append(item)
        package.associations.append(AssociationRecord(
            identifier=case_uuid(f"worklink-builtin\x1f{item.identifier}\x1f{parent}"),
            association_type=AssociationType.IS_CHILD_OF.value, origin=item.identifier, destination=parent,
            sequence=position))
        _add(package, key, node.get("children", []), item.identifier)


def _data(name: str) -> dict[str, Any]:
    text = resources.files("competencies").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
