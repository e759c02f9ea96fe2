"""Starter rubrics Worklink ships in ``competencies/data/rubrics/*.json``.

A criterion names the competencies it assesses as ``{"framework": key, "code": code}`` of a
built-in framework, turned here into the stable identifiers :mod:`competencies.builtin` gives
those items, or as plain item identifiers.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from competencies.builtin import identifier
from competencies.tasks.rubric import Rubric


def names() -> list[str]:
    """The starter rubrics, by file name without ``.json``."""
    folder = resources.files("competencies") / "data" / "rubrics"
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.name.endswith(".json"))


def load(name: str) -> Rubric:
    if name not in names():
        raise LookupError(f"no starter rubric {name!r}; there are: {', '.join(names())}")
    raw = (resources.files("competencies") / "data" / "rubrics" / f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    for criterion in data["criteria"]:
        criterion["items"] = [_identifier(ref) for ref in criterion.get("items", ())]
    rubric = Rubric.from_data(data)
    rubric.check()
    return rubric


def _identifier(ref: str | dict[str, str]) -> str:
    return ref if isinstance(ref, str) else identifier(ref["framework"], ref["code"])
