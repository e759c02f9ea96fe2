"""Store the CASE rubrics a package carries (few rows: plain ORM objects are fine here)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from competencies.importing.report import ChangeCounts
from competencies.models import Item, Rubric, RubricCriterion, RubricLevel
from competencies.package import Deviation, RubricRecord


def store_rubrics(session: Session, framework_id: int, records: list[RubricRecord],
                  ids: dict[str, int]) -> tuple[ChangeCounts, list[Deviation]]:
    counts = ChangeCounts()
    deviations: list[Deviation] = []
    existing = {
        rubric.identifier: rubric
        for rubric in session.scalars(
            select(Rubric).where(Rubric.framework_id == framework_id)
            .options(selectinload(Rubric.criteria).selectinload(RubricCriterion.levels),
                     selectinload(Rubric.criteria).selectinload(RubricCriterion.items)))
    }
    for index, record in enumerate(records):
        rubric = existing.pop(record.identifier, None)
        if rubric is None:
            taken = session.scalar(select(Rubric.framework_id)
                                   .where(Rubric.identifier == record.identifier))
            if taken is not None or any(r.identifier == record.identifier
                                        for r in records[:index]):
                deviations.append(Deviation(f"rubrics[{index}]", f"rubric {record.identifier!r} "
                                            "already exists elsewhere; skipped"))
                counts.skipped += 1
                continue
            rubric = Rubric(identifier=record.identifier, framework_id=framework_id, title="")
            session.add(rubric)
            counts.created += 1
            _apply(session, rubric, record, ids, deviations, index)
        elif _apply(session, rubric, record, ids, deviations, index):
            counts.updated += 1
        else:
            counts.unchanged += 1
    for rubric in existing.values():
        session.delete(rubric)
        counts.deleted += 1
    session.flush()
    return counts, deviations


def _apply(session: Session, rubric: Rubric, record: RubricRecord, ids: dict[str, int],
           deviations: list[Deviation], index: int) -> bool:
    """Make ``rubric`` say what ``record`` says; True when something changed."""
    last_change = record.last_change
    if last_change is not None and last_change.tzinfo is None:
        last_change = last_change.replace(tzinfo=dt.UTC)  # as for items: read as UTC
    changed = _assign(rubric, title=record.title, description=record.description,
                      uri=record.uri, last_change=last_change)
    criteria = {criterion.identifier: criterion for criterion in rubric.criteria}
    wanted = []
    for number, source in enumerate(record.criteria):
        criterion = criteria.pop(source.identifier, None)
        if criterion is None:
            criterion = RubricCriterion(identifier=source.identifier)
            changed = True
        changed |= _assign(criterion, description=source.description, category=source.category,
                           item_identifier=source.item_identifier, weight=source.weight,
                           position=source.position if source.position is not None else number)
        items: list[Item] = []
        if source.item_identifier:
            item_id = ids.get(source.item_identifier) or session.scalar(
                select(Item.id).where(Item.identifier == source.item_identifier))
            if item_id is None:
                deviations.append(Deviation(
                    f"rubrics[{index}].criteria[{number}]",
                    f"criterion is aligned to {source.item_identifier!r}, which is not imported"))
            else:
                items = [session.get_one(Item, item_id)]
        if [item.id for item in criterion.items] != [item.id for item in items]:
            criterion.items = items
            changed = True
        levels = {level.identifier: level for level in criterion.levels}
        wanted_levels = []
        for position, level_source in enumerate(source.levels):
            level = levels.pop(level_source.identifier, None)
            if level is None:
                level = RubricLevel(identifier=level_source.identifier)
                changed = True
            changed |= _assign(
                level, description=level_source.description, score=level_source.score,
                quality=level_source.quality, feedback=level_source.feedback,
                position=level_source.position if level_source.position is not None
                else position)
            wanted_levels.append(level)
        if levels or [lv.identifier for lv in criterion.levels] != [
                lv.identifier for lv in wanted_levels]:
            criterion.levels = wanted_levels
            changed = True
        wanted.append(criterion)
    if criteria or [c.identifier for c in rubric.criteria] != [c.identifier for c in wanted]:
        rubric.criteria = wanted
        changed = True
    return changed


def _assign(target: object, **values: object) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed
