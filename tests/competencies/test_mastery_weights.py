"""The alignment's weight in each calculation method: a weight of k counts as the same score
given k times where the method can count, and is ignored where it picks one score."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competencies.mastery import Calculation, CalculationMethod, Evidence, calculate
from tests.competencies.mastery_factories import START, canvas_scale, evidence_series

M = CalculationMethod
ROUNDING = 0.01 + 1e-9
"""Results are rounded to hundredths: two computations equal in exact arithmetic may land on
either side of a half-hundredth."""

score = st.integers(0, 400).map(lambda hundredths: hundredths / 100)
scores = st.lists(score, min_size=1, max_size=10)
weight = st.integers(1, 40).map(lambda tenths: tenths / 10)


def value(series: list[Evidence], method: CalculationMethod, n: int | None = None) -> float | None:
    return calculate(series, Calculation(method, n), canvas_scale()).value


def repeated(values: list[float], counts: list[int]) -> list[float]:
    return [v for v, k in zip(values, counts, strict=True) for _ in range(k)]


@given(st.lists(st.tuples(score, st.integers(1, 4)), min_size=1, max_size=8))
def test_average_counts_a_weight_of_k_as_the_score_k_times(pairs):
    values, counts = [v for v, _ in pairs], [k for _, k in pairs]
    weighted = value(evidence_series(values, weights=counts), M.AVERAGE)
    assert abs(weighted - value(evidence_series(repeated(values, counts)), M.AVERAGE)) <= ROUNDING


@given(st.lists(st.tuples(score, st.integers(1, 4)), min_size=2, max_size=8), st.integers(1, 99))
def test_weighted_average_weighs_the_older_scores_and_keeps_the_latest_share(pairs, share):
    values, counts = [v for v, _ in pairs], [k for _, k in pairs]
    counts[-1] = 1  # the latest keeps the method's share whatever its weight
    weighted = value(evidence_series(values, weights=counts), M.WEIGHTED_AVERAGE, share)
    plain = value(evidence_series(repeated(values, counts)), M.WEIGHTED_AVERAGE, share)
    assert abs(weighted - plain) <= ROUNDING


@given(st.lists(st.tuples(score, st.integers(1, 4)), min_size=1, max_size=8), st.integers(50, 99))
def test_standard_decaying_average_moves_for_a_weight_of_k_as_for_k_scores_in_a_row(pairs, share):
    values, counts = [v for v, _ in pairs], [k for _, k in pairs]
    counts[0] = 1  # the oldest score only starts the running value
    weighted = value(evidence_series(values, weights=counts), M.STANDARD_DECAYING_AVERAGE, share)
    plain = value(evidence_series(repeated(values, counts)), M.STANDARD_DECAYING_AVERAGE, share)
    assert abs(weighted - plain) <= ROUNDING


@given(scores, st.lists(weight, min_size=10, max_size=10), st.sampled_from(
    [M.AVERAGE, M.WEIGHTED_AVERAGE, M.N_MASTERY]), st.integers(2, 50).map(lambda t: t / 10))
def test_the_means_depend_on_weights_relative_to_each_other_only(values, weights, method, factor):
    n = 1 if method is M.N_MASTERY else None
    light = evidence_series(values, weights=weights[:len(values)])
    heavy = evidence_series(values, weights=[w * factor for w in weights[:len(values)]])
    a, b = value(light, method, n), value(heavy, method, n)
    assert (a is None and b is None) or abs(a - b) <= ROUNDING


@given(scores, st.lists(weight, min_size=10, max_size=10),
       st.sampled_from([M.LATEST, M.HIGHEST]))
def test_latest_and_highest_ignore_weights(values, weights, method):
    assert value(evidence_series(values, weights=weights[:len(values)]), method) == \
        value(evidence_series(values), method)


@given(scores, st.lists(weight, min_size=10, max_size=10), st.sampled_from(list(M)))
def test_a_weighted_value_stays_between_the_lowest_and_highest_score(values, weights, method):
    got = value(evidence_series(values, weights=weights[:len(values)]), method,
                1 if method is M.N_MASTERY else None)
    if got is not None:
        assert min(values) - 0.005 <= got <= max(values) + 0.005


def test_n_mastery_counts_pieces_of_evidence_not_weights():
    """One mastered rating aligned with weight 3 is still mastery shown once."""
    once = evidence_series([3.5, 1.0], weights=[3.0, 1.0])
    assert value(once, M.N_MASTERY, 2) is None
    twice = evidence_series([3.0, 4.0, 1.0], weights=[3.0, 1.0, 1.0])
    assert value(twice, M.N_MASTERY, 2) == 3.25  # (3·3 + 4·1) / 4; the 1.0 is below mastery


def test_a_heavier_alignment_pulls_the_average_its_way():
    assert value(evidence_series([2.0, 4.0], weights=[1.0, 3.0]), M.AVERAGE) == 3.5
    assert value(evidence_series([2.0, 4.0], weights=[3.0, 1.0]), M.AVERAGE) == 2.5


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_evidence_refuses_a_weight_that_is_not_above_zero(bad):
    with pytest.raises(ValueError, match="weight"):
        Evidence(2.0, START, evidence_series([1.0])[0].rater_type, weight=bad)

