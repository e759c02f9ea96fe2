"""A mastery scale: ordered levels with points, a proficient flag and a display colour."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable

from competencies.package import ScaleLevelRecord

_HEX_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")


@dataclasses.dataclass(frozen=True)
class MasteryScale:
    """Levels sorted by points, lowest first; a value reaches the highest level whose points it meets."""

    levels: tuple[ScaleLevelRecord, ...]
    mastery_points: float
    """The lowest points of a proficient level: a value at or above it is proficient."""
    _points: tuple[float, ...] = dataclasses.field(repr=False, compare=False)

    @classmethod
    def of(cls, levels: Iterable[ScaleLevelRecord], *, mastery_points: float | None = None) -> MasteryScale:
        """Check and sort the levels; ``mastery_points`` overrides the proficient flags (a Canvas outcome's own)."""
        ordered = tuple(sorted(levels, key=lambda level: level.points))
        if not ordered:
            raise ValueError("a mastery scale needs at least one level")
        points = tuple(level.points for level in ordered)
        if len(set(points)) != len(points):
            raise ValueError(f"two levels of the scale have the same points: {sorted(points)}")
        for level in ordered:
            if level.color is not None and not _HEX_COLOUR.match(level.color):
                raise ValueError(f"level {level.label!r}: colour {level.color!r} is not six hex digits")
        if mastery_points is None:
            proficient = [level.points for level in ordered if level.proficient]
            if not proficient:
                raise ValueError("a mastery scale needs a proficient level or explicit mastery points")
            mastery_points = min(proficient)
        return cls(levels=ordered, mastery_points=mastery_points, _points=points)

    def level_for(self, value: float | None) -> ScaleLevelRecord | None:
        """The highest level whose points ``value`` reaches; None below the lowest level or without a value."""
        if value is None:
            return None
        index = bisect.bisect_right(self._points, value) - 1
        return self.levels[index] if index >= 0 else None

    def is_proficient(self, value: float | None) -> bool:
        return value is not None and value >= self.mastery_points

    @property
    def points_possible(self) -> float:
        return self._points[-1]
