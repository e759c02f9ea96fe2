"""A task's rubric as plain values: maximum score, what each level is worth, scoring chosen levels.

One rubric becomes one AGS score (COMPETENCY-NOTES §6): ``scoreGiven`` is the sum over
criteria of the chosen level's points times the criterion's weight, ``scoreMaximum`` the same
sum over each criterion's best level. When every criterion's lowest level is worth more than
nothing, a student who gets the lowest level everywhere would still earn a share of the grade;
Moodle's rubric rescales so that floor counts as zero, ``(raw - min) / (max - min) * max``,
and so do we unless told not to.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from competencies.messages import N_, Message, Refused, quoted


class RubricError(Refused):
    """A rubric that cannot be saved or scored, with a message a teacher can act on."""


@dataclasses.dataclass(frozen=True)
class Level:
    label: str
    points: float
    description: str = ""


@dataclasses.dataclass(frozen=True)
class Criterion:
    name: str
    levels: tuple[Level, ...]
    """In the order the teacher wrote them; scoring looks at points, never at order."""
    description: str = ""
    weight: float = 1.0
    item_identifiers: tuple[str, ...] = ()
    """The competencies (item identifiers) this criterion assesses."""

    @property
    def best(self) -> float:
        return max(level.points for level in self.levels)

    @property
    def worst(self) -> float:
        return min(level.points for level in self.levels)


@dataclasses.dataclass(frozen=True)
class Rating:
    criterion: str
    level: str
    points: float
    weight: float


@dataclasses.dataclass(frozen=True)
class RubricScore:
    given: float
    maximum: float
    ratings: tuple[Rating, ...]
    rescaled: bool


@dataclasses.dataclass(frozen=True)
class Rubric:
    title: str
    criteria: tuple[Criterion, ...]
    description: str = ""

    @property
    def maximum(self) -> float:
        return _round(sum(c.best * c.weight for c in self.criteria))

    @property
    def minimum(self) -> float:
        return _round(sum(c.worst * c.weight for c in self.criteria))

    @property
    def needs_rescaling(self) -> bool:
        """True when the lowest level of every criterion together is worth more than nothing."""
        return self.minimum > 0

    def worth(self, criterion: Criterion, level: Level) -> float:
        """What choosing ``level`` adds to the score: the one definition every page shows.

        Without rescaling it is the level's points times the criterion's weight. With it, the
        rescaled score ``(raw - min) / (max - min) * max`` is a sum over criteria of
        ``(points - lowest) * weight * max / (max - min)``, so each level's share is exactly that:
        the lowest level of a criterion is worth 0 and the scores add up as shown.
        """
        if not self.needs_rescaling or self.maximum <= self.minimum:
            return _round(level.points * criterion.weight)
        factor = self.maximum / (self.maximum - self.minimum)
        return _round((level.points - criterion.worst) * criterion.weight * factor)

    def best_worth(self, criterion: Criterion) -> float:
        """What the criterion's best level adds: the criterion's share of the maximum."""
        return max(self.worth(criterion, level) for level in criterion.levels)

    def counted(self, not_observed: Collection[str]) -> Rubric:
        """The rubric a rating is scored on when the criteria in ``not_observed`` were not
        observed: the others, rescaled among themselves, so their :meth:`worth` adds up to the
        score and their :meth:`best_worth` to its maximum."""
        return Rubric(self.title, tuple(c for c in self.criteria if c.name not in not_observed),
                      self.description)

    def problems(self) -> list[Message]:
        """What stops this rubric being used, in words; empty when it is sound."""
        found: list[Message] = []
        if not self.title.strip():
            found.append(Message(N_("The rubric needs a title.")))
        if not self.criteria:
            found.append(Message(N_("The rubric needs at least one criterion.")))
        names = [c.name.strip().casefold() for c in self.criteria]
        for position, criterion in enumerate(self.criteria, start=1):
            name: str | Message = criterion.name.strip() or Message(N_("Criterion %(number)d"),
                                                                    number=position)
            if not criterion.name.strip():
                found.append(Message(N_("Criterion %(number)d needs a name."), number=position))
            elif names.count(criterion.name.strip().casefold()) > 1:
                found.append(Message(N_("Two criteria are called “%(name)s”; give each its own "
                                        "name."), name=name))
            if not (math.isfinite(criterion.weight) and criterion.weight > 0):
                found.append(Message(N_("“%(name)s” needs a weight above 0."), name=name))
            if len(criterion.levels) < 2:
                found.append(Message(N_("“%(name)s” needs at least two levels."), name=name))
            for level in criterion.levels:
                if not level.label.strip():
                    found.append(Message(N_("A level of “%(name)s” needs a label."), name=name))
                if not (math.isfinite(level.points) and level.points >= 0):
                    found.append(Message(N_("Level “%(level)s” of “%(name)s” needs points of 0 "
                                            "or more."), level=level.label, name=name))
            labels = [level.label.strip().casefold() for level in criterion.levels]
            if len(set(labels)) != len(labels):
                found.append(Message(N_("Two levels of “%(name)s” have the same label."),
                                     name=name))
        if self.criteria and not found and self.maximum <= self.minimum:
            found.append(Message(N_("Every level is worth the same points, so the rubric cannot "
                                    "tell work apart; give the levels different points.")))
        return found

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise RubricError(problems)

    def score(self, chosen: Mapping[str, str], *, rescale: bool = True,
              not_observed: Collection[str] = ()) -> RubricScore:
        """The score for one chosen level label per criterion name; every criterion is rated,
        or named in ``not_observed`` (a rater had no chance to see it: state WBL evaluation
        forms allow that), which leaves it out of both the score and the maximum."""
        self.check()
        unknown = set(not_observed) - {c.name for c in self.criteria}
        if unknown:
            raise _no_criterion(unknown)
        part = self.counted(not_observed)
        if not part.criteria:
            raise RubricError(N_("At least one criterion must be rated; every one is marked "
                                 "“not observed”."))
        if len(part.criteria) < len(self.criteria):
            return part.score({k: v for k, v in chosen.items() if k not in not_observed},
                              rescale=rescale)
        ratings: list[Rating] = []
        missing: list[str] = []
        for criterion in self.criteria:
            label = chosen.get(criterion.name)
            if label is None:
                missing.append(criterion.name)
                continue
            level = next((lv for lv in criterion.levels if lv.label == label), None)
            if level is None:
                raise RubricError(N_("“%(name)s” has no level “%(level)s”."),
                                  name=criterion.name, level=label)
            ratings.append(Rating(criterion.name, level.label, level.points, criterion.weight))
        if missing:
            raise RubricError(N_("Rate every criterion first; not yet rated: %(names)s."),
                              names=quoted(missing))
        unknown = set(chosen) - {c.name for c in self.criteria}
        if unknown:
            raise _no_criterion(unknown)
        raw = sum(r.points * r.weight for r in ratings)
        maximum, minimum = self.maximum, self.minimum
        rescaled = rescale and minimum > 0
        given = (raw - minimum) / (maximum - minimum) * maximum if rescaled else raw
        return RubricScore(_round(given), maximum, tuple(ratings), rescaled)

    def as_data(self) -> dict[str, Any]:
        """JSON-ready: the shape of the starter files and of a frozen task version."""
        return {
            "title": self.title, "description": self.description,
            "criteria": [
                {"name": c.name, "description": c.description, "weight": c.weight,
                 "items": list(c.item_identifiers),
                 "levels": [dataclasses.asdict(level) for level in c.levels]}
                for c in self.criteria
            ],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Rubric:
        try:
            criteria = tuple(
                Criterion(
                    name=str(c["name"]), description=str(c.get("description", "")),
                    weight=float(c.get("weight", 1.0)),
                    item_identifiers=tuple(str(i) for i in c.get("items", ())),
                    levels=tuple(Level(str(lv["label"]), float(lv["points"]),
                                       str(lv.get("description", ""))) for lv in c["levels"]),
                )
                for c in data["criteria"]
            )
            return cls(title=str(data["title"]), criteria=criteria,
                       description=str(data.get("description", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise RubricError(N_("This rubric is not shaped as expected: %(detail)s"),
                              detail=str(exc)) from exc


def _no_criterion(unknown: Collection[str]) -> RubricError:
    return RubricError(N_("This rubric has no criterion %(names)s."), names=quoted(sorted(unknown)))


def column_labels(rubric: Rubric) -> Sequence[str]:
    """Level labels for a table's header when every criterion uses the same ones, else empty."""
    first = [level.label for level in rubric.criteria[0].levels] if rubric.criteria else []
    same = all([level.label for level in c.levels] == first for c in rubric.criteria)
    return first if same else []


def _round(value: float) -> float:
    # Weights such as 0.1 leave binary fractions (0.30000000000000004); grades show 4 places.
    return round(value, 4)
