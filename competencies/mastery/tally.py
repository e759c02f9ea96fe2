"""Running totals: one more, newer piece of evidence moves mastery without re-reading the older.

Every method depends on the older evidence only through a few numbers: a weighted sum and its
weights (the average; the older scores of the weighted average; the scores at or above mastery
for n-mastery, with how many there are), the newest score, the running value of the standard
decaying average, the best score. A standing keeps them beside its value, with the basis they
were taken on (method, its parameter, the scale's top and mastery points, which put scores on
the scale). Evidence not newer than all the standing counted, evidence superseded, or another
basis: the standing is recomputed from all its evidence instead.

Each step is the calculation's own arithmetic in the same order (a sum grows from 0.0 oldest
first, as :func:`~competencies.mastery.calculation._mean` adds), so a tally gives the very float
the whole list gives, not a close one; a property test holds it to that.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from competencies.mastery.calculation import Calculation, CalculationMethod, round_like_canvas
from competencies.mastery.scale import MasteryScale

M = CalculationMethod


@dataclasses.dataclass(frozen=True, slots=True)
class Tally:
    count: int = 0
    """Pieces of evidence taken in."""
    total: float = 0.0
    """Σ weight × score over the scores the method averages."""
    weights: float = 0.0
    """Σ weight over the same scores."""
    averaged: int = 0
    """How many scores are in ``total`` (n-mastery's n counts them)."""
    latest: float | None = None
    latest_weight: float = 1.0
    running: float | None = None
    """The standard decaying average's running value, or the highest score."""


class Tallier:
    """A method and a scale bound once: takes evidence in, oldest first, and says the value."""

    def __init__(self, calculation: Calculation, scale: MasteryScale) -> None:
        self.method = calculation.method
        self.share = (calculation.calculation_int or 0) / 100
        self.n = calculation.calculation_int or 0
        self.top = scale.points_possible
        self.mastery_points = scale.mastery_points
        self.basis = (f"{self.method.value}:{calculation.calculation_int}:"
                      f"{self.top!r}:{self.mastery_points!r}")

    def on_scale(self, score: float, scale_max: float | None) -> float:
        """A score given out of ``scale_max`` in the scale's points, in proportion."""
        return score / scale_max * self.top if scale_max else score

    def add(self, tally: Tally, score: float, weight: float) -> Tally:
        """The tally with one more score (on the scale), newer than all it holds."""
        method, t = self.method, tally
        if method is M.AVERAGE:
            return Tally(t.count + 1, t.total + score * weight, t.weights + weight,
                         t.averaged + 1, score, weight)
        if method is M.WEIGHTED_AVERAGE:
            # The newest keeps its own share; the one it replaces joins the older scores' mean.
            if t.latest is None:
                return Tally(t.count + 1, latest=score, latest_weight=weight)
            return Tally(t.count + 1, t.total + t.latest * t.latest_weight,
                         t.weights + t.latest_weight, t.averaged + 1, score, weight)
        if method is M.N_MASTERY:
            if score >= self.mastery_points:
                return Tally(t.count + 1, t.total + score * weight, t.weights + weight,
                             t.averaged + 1, score, weight)
            return dataclasses.replace(t, count=t.count + 1, latest=score, latest_weight=weight)
        if method is M.STANDARD_DECAYING_AVERAGE:
            if t.running is None:
                running = score  # the oldest score only starts it
            else:
                step = self.share if weight == 1.0 else 1 - (1 - self.share) ** weight
                running = t.running * (1 - step) + score * step
            return dataclasses.replace(t, count=t.count + 1, latest=score, latest_weight=weight,
                                       running=running)
        if method is M.HIGHEST:
            best = score if t.running is None or score > t.running else t.running
            return dataclasses.replace(t, count=t.count + 1, latest=score, latest_weight=weight,
                                       running=best)
        return dataclasses.replace(t, count=t.count + 1, latest=score, latest_weight=weight)

    def value(self, tally: Tally) -> float | None:
        """The method's value, rounded as Canvas rounds; ``None`` without one."""
        raw = self._raw(tally)
        return None if raw is None else round_like_canvas(raw)

    def _raw(self, t: Tally) -> float | None:
        if self.method is M.N_MASTERY:
            return None if t.averaged < self.n else t.total / t.weights
        if t.count == 0:
            return None
        if self.method is M.AVERAGE:
            return t.total / t.weights
        if self.method is M.WEIGHTED_AVERAGE:
            assert t.latest is not None
            if t.count == 1:
                return t.latest
            return t.latest * self.share + t.total / t.weights * (1 - self.share)
        if self.method in (M.STANDARD_DECAYING_AVERAGE, M.HIGHEST):
            return t.running
        return t.latest

    def stored(self, tally: Tally) -> dict[str, Any]:
        """The tally as a standing keeps it (JSON writes each float exactly: ``repr`` round-trips)."""
        return {"basis": self.basis, "count": tally.count, "total": tally.total,
                "weights": tally.weights, "averaged": tally.averaged, "latest": tally.latest,
                "latest_weight": tally.latest_weight, "running": tally.running}

    def restored(self, stored: dict[str, Any] | None) -> Tally | None:
        """The stored tally, or ``None`` when there is none or it was taken on another basis."""
        if not stored or stored.get("basis") != self.basis:
            return None
        return Tally(int(stored["count"]), float(stored["total"]), float(stored["weights"]),
                     int(stored["averaged"]),
                     None if stored["latest"] is None else float(stored["latest"]),
                     float(stored["latest_weight"]),
                     None if stored["running"] is None else float(stored["running"]))
