"""The rubric builder's form (criteria × levels as flat fields) read into a :class:`Rubric`.

Field names: ``title``, ``description``; per criterion ``c<i>-name``, ``c<i>-description``,
``c<i>-weight`` and the chosen competencies; per level ``c<i>-l<j>-label``, ``-points``,
``-description``. A criterion or level row left blank is the builder's spare row, not a
mistake, and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from competencies.messages import N_, Message
from competencies.tasks.rubric import Criterion, Level, Rubric, RubricError

MAX_CRITERIA = 30
MAX_LEVELS = 10


def parse_rubric(form: Mapping[str, str], items_of: Callable[[int], Sequence[str]]) -> Rubric:
    """The rubric the form describes, or :class:`RubricError` naming every problem."""
    problems: list[Message] = []
    criteria: list[Criterion] = []
    for i in range(MAX_CRITERIA):
        name = form.get(f"c{i}-name", "").strip()
        called: str | Message = name or Message(N_("criterion %(number)d"), number=i + 1)
        levels = _levels(form, i, called, problems)
        if not name and not levels:
            continue
        weight = _number(form.get(f"c{i}-weight", "").strip() or "1",
                         Message(N_("The weight of “%(name)s”"), name=called), problems)
        criteria.append(Criterion(name=name, levels=tuple(levels),
                                  description=form.get(f"c{i}-description", "").strip(),
                                  weight=weight if weight is not None else 1.0,
                                  item_identifiers=tuple(dict.fromkeys(items_of(i)))))
    rubric = Rubric(title=form.get("title", "").strip(), criteria=tuple(criteria),
                    description=form.get("description", "").strip())
    problems.extend(rubric.problems() if not problems else [])
    if problems:
        raise RubricError(problems)
    return rubric


def _levels(form: Mapping[str, str], i: int, name: str | Message,
            problems: list[Message]) -> list[Level]:
    levels: list[Level] = []
    for j in range(MAX_LEVELS):
        label = form.get(f"c{i}-l{j}-label", "").strip()
        raw = form.get(f"c{i}-l{j}-points", "").strip()
        description = form.get(f"c{i}-l{j}-description", "").strip()
        if not (label or raw or description):
            continue
        points = _number(raw, Message(N_("Points of level “%(level)s” of “%(name)s”"),
                                      level=label or j + 1, name=name), problems)
        if points is not None:
            levels.append(Level(label, points, description))
    return levels


def _number(raw: str, what: Message, problems: list[Message]) -> float | None:
    try:
        return float(raw)
    except ValueError:
        problems.append(Message(N_("%(what)s must be a number, not “%(raw)s”."), what=what, raw=raw)
                        if raw else Message(N_("%(what)s is missing."), what=what))
        return None
