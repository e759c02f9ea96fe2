"""Store the mastery scale a package carries (Canvas outcome ratings, a built-in scale)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from competencies.models import MasteryScale, ScaleLevel
from competencies.package import Deviation, ScaleLevelRecord

_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def store_scale(session: Session, framework_id: int, title: str,
                levels: list[ScaleLevelRecord]) -> list[Deviation]:
    deviations: list[Deviation] = []
    wanted = []
    for index, level in enumerate(levels):
        color = None
        if level.color:
            match = _HEX.fullmatch(level.color.strip())
            if match is None:
                deviations.append(Deviation(f"scale[{index}].color", f"{level.color!r} is not six "
                                            "hex digits; the level has no colour"))
            else:
                color = match.group(1).lower()
        wanted.append((index, level.label, float(level.points), level.proficient, color))
    scale = session.scalar(select(MasteryScale).where(MasteryScale.framework_id == framework_id)
                           .options(selectinload(MasteryScale.levels)))
    if not wanted:
        if scale is not None:
            session.delete(scale)
        return deviations
    if scale is None:
        scale = MasteryScale(framework_id=framework_id, title=title)
        session.add(scale)
    have = [(lv.position, lv.label, lv.points, lv.proficient, lv.color) for lv in scale.levels]
    if have != wanted:
        scale.levels = [ScaleLevel(position=position, label=label, points=points,
                                   proficient=proficient, color=color)
                        for position, label, points, proficient, color in wanted]
    session.flush()
    return deviations
