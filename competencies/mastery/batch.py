"""Mastery for many learners and competencies at once, from a flat list of evidence rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from operator import attrgetter

from competencies.mastery.calculation import Calculation, Calculator, MasteryResult, calculator
from competencies.mastery.collector import collector_paused
from competencies.mastery.evidence import Evidence
from competencies.mastery.scale import MasteryScale

Key = tuple[Hashable, Hashable]
_BY_TIME = attrgetter("rated_at")


def compute_mastery(
    evidence_rows: Iterable[Evidence],
    calculation: Calculation,
    scale: MasteryScale,
    *,
    per_competency: Mapping[Hashable, Calculation] | None = None,
) -> dict[Key, MasteryResult]:
    """One result per (learner, competency) that has evidence.

    Rows are grouped first, then each group with more than one row is sorted by time (stable, so
    evidence rated at the same instant keeps its given order). ``per_competency`` overrides the
    method for some competencies.
    """
    default = calculator(calculation, scale)
    special: dict[Hashable, Calculator] = {
        competency: calculator(override, scale) for competency, override in (per_competency or {}).items()
    }
    # Grouping allocates one list per pair and creates no reference cycles; left on, the collector
    # rescans every evidence row again and again and the run takes twice as long.
    with collector_paused():
        groups: defaultdict[Key, list[Evidence]] = defaultdict(list)
        for row in evidence_rows:
            groups[row.learner_id, row.competency_id].append(row)
        results: dict[Key, MasteryResult] = {}
        for key, group in groups.items():
            if len(group) > 1:
                group.sort(key=_BY_TIME)
            compute = special.get(key[1], default) if special else default
            results[key] = compute(group)
        return results
