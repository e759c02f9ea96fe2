"""A task's rubric read from and written to the CASE-shaped ``rubric`` tables."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.models import Item, Rubric, RubricCriterion, RubricLevel
from competencies.tasks import rubric as domain
from competencies.tasks.draft import TaskError


def read(stored: Rubric) -> domain.Rubric:
    """The rubric as plain values; a criterion's competencies by item identifier."""
    criteria = []
    for criterion in stored.criteria:
        identifiers = [item.identifier for item in criterion.items]
        if criterion.item_identifier and criterion.item_identifier not in identifiers:
            identifiers.insert(0, criterion.item_identifier)
        criteria.append(domain.Criterion(
            name=criterion.category or criterion.description,
            description=criterion.description if criterion.category else "",
            weight=criterion.weight, item_identifiers=tuple(identifiers),
            levels=tuple(domain.Level(level.quality or f"{level.score:g}", level.score,
                                      level.description) for level in criterion.levels),
        ))
    return domain.Rubric(title=stored.title, description=stored.description or "",
                         criteria=tuple(criteria))


def write(session: Session, rubric: domain.Rubric, stored: Rubric | None = None, *,
          skip_unknown_items: bool = False) -> Rubric:
    """Store ``rubric``, replacing the criteria of ``stored`` when given.

    An item identifier that is not imported is refused, or skipped when asked (starter rubrics
    name built-in competencies a deployment may not have imported).
    """
    rubric.check()
    wanted = {i for c in rubric.criteria for i in c.item_identifiers}
    found = {item.identifier: item for item in session.scalars(
        select(Item).where(Item.identifier.in_(wanted)))} if wanted else {}
    missing = sorted(wanted - set(found))
    if missing and not skip_unknown_items:
        raise TaskError(N_("These competencies are not imported: %(identifiers)s."),
                        identifiers=", ".join(missing))
    if stored is None:
        stored = Rubric(identifier=_identifier("rubric"), title=rubric.title)
        session.add(stored)
    stored.title = rubric.title
    stored.description = rubric.description or None
    stored.criteria.clear()
    session.flush()  # the old criteria's identifiers are gone before new rows arrive
    for position, criterion in enumerate(rubric.criteria):
        stored.criteria.append(RubricCriterion(
            identifier=_identifier("criterion"), category=criterion.name,
            description=criterion.description, weight=criterion.weight, position=position,
            items=[found[i] for i in criterion.item_identifiers if i in found],
            levels=[RubricLevel(identifier=_identifier("level"), quality=level.label,
                                score=level.points, description=level.description,
                                position=index)
                    for index, level in enumerate(criterion.levels)],
        ))
    return stored


def _identifier(kind: str) -> str:
    # Rubrics written in Worklink have no CASE identifier of their own; a URN keeps them apart
    # from imported ones in the same unique column.
    return f"urn:worklink:task-{kind}:{uuid.uuid4()}"
