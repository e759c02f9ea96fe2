"""A standing's running totals give exactly what the calculation over all the evidence gives."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from competencies.mastery import Calculation, CalculationMethod, MasteryScale, calculate
from competencies.mastery.calculation import _VALUE_OF, chronological
from competencies.mastery.tally import Tallier, Tally
from competencies.package import ScaleLevelRecord
from tests.competencies.mastery_factories import canvas_scale, evidence_series

M = CalculationMethod
scores = st.integers(0, 400).map(lambda hundredths: hundredths / 100)
weights = st.sampled_from([1.0, 1.0, 1.0, 0.5, 2.0, 0.25, 3.0, 1.5])
series = st.lists(st.tuples(scores, weights), min_size=0, max_size=15)


@st.composite
def calculations(draw: st.DrawFn) -> Calculation:
    method = draw(st.sampled_from(list(M)))
    bounds = {M.STANDARD_DECAYING_AVERAGE: (50, 99), M.WEIGHTED_AVERAGE: (1, 99),
              M.N_MASTERY: (1, 4)}.get(method)
    return Calculation(method, draw(st.integers(*bounds)) if bounds else None)


scales = st.sampled_from([
    canvas_scale(),
    MasteryScale.of([ScaleLevelRecord("Not yet", 0), ScaleLevelRecord("Met", 2.5, True),
                     ScaleLevelRecord("Beyond", 5)]),
])


@given(series, calculations(), scales, st.data())
def test_taking_evidence_in_one_by_one_gives_the_full_recompute_to_the_last_bit(
        pairs: list[tuple[float, float]], calculation: Calculation, scale: MasteryScale,
        data: st.DataObject) -> None:
    """Stored and read back at any point (JSON, as the standing keeps it), then the rest added."""
    tallier = Tallier(calculation, scale)
    evidence = evidence_series([s for s, _ in pairs], weights=[w for _, w in pairs])
    split = data.draw(st.integers(0, len(evidence)))
    tally = Tally()
    for item in evidence[:split]:
        tally = tallier.add(tally, item.score, item.weight)
    kept = tallier.restored(json.loads(json.dumps(tallier.stored(tally))))
    assert kept == tally
    for item in evidence[split:]:
        kept = tallier.add(kept, item.score, item.weight)
    # The unrounded value, so a difference shows before rounding could hide it.
    raw, _ = _VALUE_OF[calculation.method](chronological(evidence), calculation, scale)
    assert tallier._raw(kept) == raw
    full = calculate(evidence, calculation, scale)
    assert tallier.value(kept) == full.value
    assert kept.count == len(evidence)


def test_a_tally_taken_on_another_basis_is_not_used() -> None:
    """Another method, parameter or scale: the standing is recomputed from its evidence."""
    average = Tallier(Calculation(M.AVERAGE), canvas_scale())
    stored = average.stored(average.add(Tally(), 3.0, 1.0))
    assert average.restored(stored) is not None
    assert Tallier(Calculation(M.WEIGHTED_AVERAGE), canvas_scale()).restored(stored) is None
    assert Tallier(Calculation(M.N_MASTERY, 2), canvas_scale()).restored(
        Tallier(Calculation(M.N_MASTERY, 3), canvas_scale()).stored(Tally())) is None
    other_scale = MasteryScale.of([ScaleLevelRecord("Met", 2, True), ScaleLevelRecord("Top", 5)])
    assert Tallier(Calculation(M.AVERAGE), other_scale).restored(stored) is None
    assert average.restored(None) is None
