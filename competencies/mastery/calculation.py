"""Canvas's six outcome calculation methods over one learner's evidence on one competency.

Semantics follow Canvas (``app/models/rollup_score.rb``): scores are ordered by when they were
rated, the result is rounded to two decimals half away from zero (Ruby's ``Float#round``), and
``decaying_average`` in a Canvas export means what Canvas now labels "Weighted Average".

Each piece of evidence carries the weight of the alignment it came through (1 unless a task or
criterion was aligned with another weight). A weight of *k* counts as the same score given *k*
times, where the method has a way to count it:

- ``average``: the weighted mean, Σ w·s / Σ w.
- ``weighted_average``: the older scores' part is their weighted mean; the latest score keeps
  the method's own share (its ``calculation_int``), which says how much the newest evidence
  counts however it was aligned.
- ``standard_decaying_average``: a newer score of weight *w* moves the running value as *w*
  scores in a row would: r = r·(1−p)^w + s·(1−(1−p)^w). The oldest score only starts it.
- ``n_mastery``: the mean of the scores at or above mastery is weighted; the *n* counts pieces
  of evidence, not weights, since it asks how many times mastery was shown.
- ``latest`` and ``highest`` pick one score: a weight has no meaning there and is ignored.

With every weight 1 each method is exactly Canvas's.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from competencies.mastery.evidence import Evidence
from competencies.mastery.scale import MasteryScale
from competencies.package import ScaleLevelRecord

PRECISION = 2
_REMEMBERED_VALUES = 4096


class CalculationMethod(enum.StrEnum):
    STANDARD_DECAYING_AVERAGE = "standard_decaying_average"
    """True running decay: r = r·(1−w) + s·w for each newer score s, starting from the oldest."""
    WEIGHTED_AVERAGE = "weighted_average"
    """Latest × w + mean(older) × (1 − w); Canvas's legacy ``decaying_average``."""
    N_MASTERY = "n_mastery"
    """Mean of the scores at or above mastery, and no value until n such scores exist."""
    LATEST = "latest"
    HIGHEST = "highest"
    AVERAGE = "average"

    @classmethod
    def parse(cls, name: str) -> CalculationMethod:
        """Read a method name as Canvas stores it, accepting the legacy ``decaying_average``."""
        cleaned = name.strip().lower()
        # Canvas keeps the old name in its database and CSVs; its behaviour is the weighted average.
        if cleaned == "decaying_average":
            return cls.WEIGHTED_AVERAGE
        try:
            return cls(cleaned)
        except ValueError:
            known = ", ".join(sorted(m.value for m in cls))
            raise ValueError(f"unknown calculation method {name!r}; known: {known}") from None


# Canvas's OutcomeCalculationMethod::VALID_CALCULATION_INTS and its defaults.
_INT_RANGES: dict[CalculationMethod, tuple[int, int, int]] = {
    CalculationMethod.STANDARD_DECAYING_AVERAGE: (50, 99, 65),
    CalculationMethod.WEIGHTED_AVERAGE: (1, 99, 65),
    CalculationMethod.N_MASTERY: (1, 10, 5),
}


@dataclasses.dataclass(frozen=True)
class Calculation:
    """A method with its parameter checked: ``Calculation(CalculationMethod.N_MASTERY, 3)``."""

    method: CalculationMethod
    calculation_int: int | None = None

    def __post_init__(self) -> None:
        bounds = _INT_RANGES.get(self.method)
        if bounds is None:
            if self.calculation_int is not None:
                raise ValueError(f"{self.method} takes no calculation_int (got {self.calculation_int})")
            return
        low, high, default = bounds
        if self.calculation_int is None:
            object.__setattr__(self, "calculation_int", default)
        elif isinstance(self.calculation_int, bool) or not isinstance(self.calculation_int, int):
            raise ValueError(f"{self.method}: calculation_int must be a whole number, got {self.calculation_int!r}")
        elif not low <= self.calculation_int <= high:
            raise ValueError(
                f"{self.method}: calculation_int must be between {low} and {high}, got {self.calculation_int}"
            )

    @property
    def formula(self) -> str:
        """The formula in words, for the teacher who asks how a number came about."""
        w = self.calculation_int
        return {
            CalculationMethod.STANDARD_DECAYING_AVERAGE:
                f"for each newer score s: result = result × {100 - (w or 0)}% + s × {w}%",
            CalculationMethod.WEIGHTED_AVERAGE:
                f"latest × {w}% + average of the older scores × {100 - (w or 0)}%",
            CalculationMethod.N_MASTERY:
                f"average of the scores at or above mastery, once there are {w} of them",
            CalculationMethod.LATEST: "the most recent score",
            CalculationMethod.HIGHEST: "the highest score",
            CalculationMethod.AVERAGE: "the average of all scores",
        }[self.method]


class MasteryResult(NamedTuple):
    """What one learner has reached on one competency, and which evidence says so."""

    value: float | None
    proficient: bool
    level: ScaleLevelRecord | None
    evidence: Sequence[Evidence]
    """The evidence the value was computed from (all of it, or the subset the method used), oldest first."""
    method: CalculationMethod


def round_like_canvas(value: float, digits: int = PRECISION) -> float:
    """Round half away from zero as Ruby's ``Float#round`` does (Python's ``round`` would give 4.125 → 4.12)."""
    scale = 100.0 if digits == 2 else 10.0**digits
    magnitude = value if value >= 0 else -value
    whole = math.floor(magnitude * scale + 0.5)
    # Ruby's round_half_up: correct the product's binary error (2.675 × 100 = 267.4999…).
    if (whole + 0.5) / scale <= magnitude:
        whole += 1
    rounded = whole / scale
    return rounded if value >= 0 or not whole else -rounded


def chronological(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Oldest first; evidence rated at the same instant keeps its given order (the later one counts as newer)."""
    return sorted(evidence, key=lambda item: item.rated_at)


Calculator = Callable[[Sequence[Evidence]], MasteryResult]


def calculator(calculation: Calculation, scale: MasteryScale) -> Calculator:
    """Bind a method and a scale once; the result computes mastery from evidence already oldest first."""
    method = calculation.method
    value_of = _VALUE_OF[method]
    mastery_points = scale.mastery_points
    level_for = scale.level_for
    # Rubric scores take few distinct values, so rounding and level lookups repeat: remember them.
    judged: dict[float, tuple[float, bool, ScaleLevelRecord | None]] = {}

    def compute(items: Sequence[Evidence]) -> MasteryResult:
        raw, used = value_of(items, calculation, scale)
        if raw is None:
            return MasteryResult(None, False, None, used, method)
        verdict = judged.get(raw)
        if verdict is None:
            value = round_like_canvas(raw)
            verdict = (value, value >= mastery_points, level_for(value))
            if len(judged) < _REMEMBERED_VALUES:
                judged[raw] = verdict
        return MasteryResult(verdict[0], verdict[1], verdict[2], used, method)

    return compute


def calculate(evidence: Sequence[Evidence], calculation: Calculation, scale: MasteryScale) -> MasteryResult:
    """Compute mastery from one learner's evidence on one competency, in any order."""
    return calculator(calculation, scale)(chronological(evidence))


_Computed = tuple[float | None, Sequence[Evidence]]
# Each takes the evidence oldest first and returns the unrounded value with the evidence it used.


def _standard_decaying_average(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    if not items:
        return None, ()
    weight = (calc.calculation_int or 0) / 100
    running = items[0].score
    for item in items[1:]:
        # Weight 1 keeps Canvas's arithmetic to the last bit (its results are rounded after).
        step = weight if item.weight == 1.0 else 1 - (1 - weight) ** item.weight
        running = running * (1 - step) + item.score * step
    return running, items


def _weighted_average(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    if not items:
        return None, ()
    latest = items[-1].score
    if len(items) == 1:
        return latest, items
    weight = (calc.calculation_int or 0) / 100
    value = latest * weight + _mean(items[:-1]) * (1 - weight)
    return value, items


def _n_mastery(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    mastered = tuple(item for item in items if item.score >= scale.mastery_points)
    if len(mastered) < (calc.calculation_int or 0):
        return None, ()
    return _mean(mastered), mastered


def _latest(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    if not items:
        return None, ()
    return items[-1].score, (items[-1],)


def _highest(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    if not items:
        return None, ()
    # The first time the best score was reached, as Ruby's max_by returns the first maximum.
    best = items[0]
    for item in items:
        if item.score > best.score:
            best = item
    return best.score, (best,)


def _average(items: Sequence[Evidence], calc: Calculation, scale: MasteryScale) -> _Computed:
    if not items:
        return None, ()
    return _mean(items), items


def _mean(items: Sequence[Evidence]) -> float:
    """The mean of the scores, each counted by its weight."""
    total = weights = 0.0
    for item in items:
        total += item.score * item.weight
        weights += item.weight
    return total / weights


_VALUE_OF = {
    CalculationMethod.STANDARD_DECAYING_AVERAGE: _standard_decaying_average,
    CalculationMethod.WEIGHTED_AVERAGE: _weighted_average,
    CalculationMethod.N_MASTERY: _n_mastery,
    CalculationMethod.LATEST: _latest,
    CalculationMethod.HIGHEST: _highest,
    CalculationMethod.AVERAGE: _average,
}
