"""The rubric builder's rows as typed, and its edits: add, remove and reorder criteria and levels.

The builder is one form. Its edit buttons post it with ``edit=<action>``; the page comes back
with the change made to what was typed and nothing saved, so it works without script. Rows keep
what the teacher typed, even blanks and numbers that do not parse yet: checking is the save's job
(:func:`competencies.tasks.rubric_form.parse_rubric`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from competencies.tasks.rubric import Rubric
from competencies.tasks.rubric_form import MAX_CRITERIA, MAX_LEVELS


@dataclasses.dataclass
class LevelRow:
    label: str = ""
    points: str = ""
    description: str = ""
    worth: float | None = None
    """What the level is worth in the saved rubric (Rubric.worth), shown beside its points."""


@dataclasses.dataclass
class CriterionRow:
    name: str = ""
    description: str = ""
    weight: str = "1"
    items: list[str] = dataclasses.field(default_factory=list)
    levels: list[LevelRow] = dataclasses.field(default_factory=list)


def blank_criterion() -> CriterionRow:
    return CriterionRow(levels=[LevelRow(), LevelRow(), LevelRow()])


def rows_of(rubric: Rubric | None, *, with_worth: bool = False) -> list[CriterionRow]:
    """The saved rubric as builder rows (one blank criterion when there is none yet)."""
    if rubric is None or not rubric.criteria:
        return [blank_criterion()]
    return [CriterionRow(c.name, c.description, f"{c.weight:g}", list(c.item_identifiers),
                         [LevelRow(lv.label, f"{lv.points:g}", lv.description,
                                   rubric.worth(c, lv) if with_worth else None)
                          for lv in c.levels])
            for c in rubric.criteria]


def rows_from_form(form: Mapping[str, str], items_of: Callable[[int], list[str]]) -> list[CriterionRow]:
    """Every criterion and level row the form had, blanks included, in order."""
    rows = []
    for i in range(MAX_CRITERIA):
        if f"c{i}-name" not in form:
            continue
        levels = [LevelRow(form.get(f"c{i}-l{j}-label", ""), form.get(f"c{i}-l{j}-points", ""),
                           form.get(f"c{i}-l{j}-description", ""))
                  for j in range(MAX_LEVELS) if f"c{i}-l{j}-label" in form]
        rows.append(CriterionRow(form.get(f"c{i}-name", ""), form.get(f"c{i}-description", ""),
                                 form.get(f"c{i}-weight", "1"), list(items_of(i)), levels))
    return rows


class UnknownEdit(ValueError):
    """An edit button the builder does not have (a tampered or stale form)."""


_ACTION = re.compile(r"(add|remove|up|down)-(criterion|level)(?::(\d+))?(?::(\d+))?")


def apply_edit(rows: list[CriterionRow], action: str) -> list[CriterionRow]:
    """The rows after one edit button: ``add-criterion``, ``remove-criterion:i``,
    ``up-criterion:i``, ``down-criterion:i``, ``add-level:i``, ``remove-level:i:j``,
    ``up-level:i:j``, ``down-level:i:j``."""
    found = _ACTION.fullmatch(action)
    if not found:
        raise UnknownEdit(action)
    verb, what, first, second = found.groups()
    rows = [dataclasses.replace(r, levels=list(r.levels), items=list(r.items)) for r in rows]
    if what == "criterion":
        if verb == "add":
            if len(rows) < MAX_CRITERIA:
                rows.append(blank_criterion())
            return rows
        i = _index(first, len(rows))
        if verb == "remove":
            del rows[i]
            return rows or [blank_criterion()]
        return _move(rows, i, -1 if verb == "up" else 1)
    i = _index(first, len(rows))
    levels = rows[i].levels
    if verb == "add":
        if len(levels) < MAX_LEVELS:
            levels.append(LevelRow())
        return rows
    j = _index(second, len(levels))
    if verb == "remove":
        del levels[j]
    else:
        rows[i].levels = _move(levels, j, -1 if verb == "up" else 1)
    return rows


def _index(raw: str | None, size: int) -> int:
    if raw is None or not 0 <= int(raw) < size:
        raise UnknownEdit(f"no row {raw}")
    return int(raw)


def _move(items: list, index: int, step: int) -> list:  # type: ignore[type-arg]
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items
