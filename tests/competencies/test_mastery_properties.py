"""Properties every calculation method keeps, whatever the evidence."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from competencies.mastery import (
    Calculation,
    CalculationMethod,
    calculate,
    compute_mastery,
    round_like_canvas,
)
from tests.competencies.mastery_factories import canvas_scale, evidence_series

M = CalculationMethod
scores = st.lists(st.integers(0, 400).map(lambda hundredths: hundredths / 100), min_size=1, max_size=12)
methods = st.sampled_from(list(M))


@given(scores, methods)
def test_value_stays_between_lowest_and_highest_score(values, method):
    result = calculate(evidence_series(values), Calculation(method, 1 if method is M.N_MASTERY else None),
                       canvas_scale())
    if result.value is not None:
        assert min(values) - 0.005 <= result.value <= max(values) + 0.005


@given(st.integers(0, 400).map(lambda h: h / 100), st.integers(1, 10), methods)
def test_the_same_score_every_time_gives_that_score(score, times, method):
    result = calculate(evidence_series([score] * times), Calculation(method), canvas_scale())
    if method is M.N_MASTERY and (score < 3 or times < 5):
        assert result.value is None
    else:
        assert result.value == score


@given(scores, st.integers(50, 99))
def test_standard_decaying_average_is_the_closed_form(values, weight):
    """r = s0·(1−w)^(n−1) + Σ si·w·(1−w)^(n−1−i): each older score fades geometrically."""
    w = weight / 100
    n = len(values)
    expected = values[0] * (1 - w) ** (n - 1) + sum(
        values[i] * w * (1 - w) ** (n - 1 - i) for i in range(1, n))
    got = calculate(evidence_series(values), Calculation(M.STANDARD_DECAYING_AVERAGE, weight), canvas_scale())
    assert abs(got.value - expected) <= 0.005 + 1e-9


@given(scores, methods, st.randoms(use_true_random=False))
def test_list_order_does_not_matter_only_time_does(values, method, rnd):
    series = evidence_series(values)
    shuffled = list(series)
    rnd.shuffle(shuffled)
    calculation = Calculation(method, 2 if method is M.N_MASTERY else None)
    assert calculate(shuffled, calculation, canvas_scale()) == calculate(series, calculation, canvas_scale())


@given(scores)
def test_n_mastery_uses_only_evidence_at_mastery(values):
    result = calculate(evidence_series(values), Calculation(M.N_MASTERY, 1), canvas_scale())
    assert all(item.score >= 3 for item in result.evidence)
    assert (result.value is None) == (max(values) < 3)


@given(scores, methods)
def test_proficient_exactly_when_value_reaches_mastery_and_level_agrees(values, method):
    result = calculate(evidence_series(values), Calculation(method), canvas_scale())
    assert result.proficient == (result.value is not None and result.value >= 3)
    if result.value is not None:
        assert result.level is not None and result.level.points <= result.value


@given(st.integers(-100_000, 100_000))
def test_rounding_matches_decimal_half_up_on_three_decimal_values(thousandths):
    expected = Decimal(thousandths).scaleb(-3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert round_like_canvas(thousandths / 1000) == float(expected)


@settings(max_examples=30)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.integers(0, 4)), max_size=40),
       methods)
def test_batch_gives_what_one_by_one_gives(rows, method):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    evidence = []
    for i, (learner, competency, score) in enumerate(rows):
        [item] = evidence_series([score], learner=learner, competency=competency)
        evidence.append(type(item)(item.score, start + dt.timedelta(hours=random.Random(i).randint(0, 5)),
                                   item.rater_type, learner_id=learner, competency_id=competency))
    calculation = Calculation(method)
    batch = compute_mastery(evidence, calculation, canvas_scale())
    assert set(batch) == {(learner, competency) for learner, competency, _ in rows}
    for (learner, competency), result in batch.items():
        mine = [e for e in evidence if e.learner_id == learner and e.competency_id == competency]
        assert result == calculate(mine, calculation, canvas_scale())
