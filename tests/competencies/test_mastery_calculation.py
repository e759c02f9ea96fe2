"""The six Canvas calculation methods, with the numbers from Canvas's own examples and specs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from competencies.mastery import (
    Calculation,
    CalculationMethod,
    Evidence,
    RaterType,
    calculate,
    round_like_canvas,
)
from tests.competencies.mastery_factories import START, canvas_scale, evidence_series

M = CalculationMethod


def value(method: M, scores: list[float], calculation_int: int | None = None) -> float | None:
    return calculate(evidence_series(scores), Calculation(method, calculation_int), canvas_scale()).value


def test_standard_decaying_average_decays_through_each_pair():
    """Canvas spec: [1,2] → 1.65, → 2.5275, → 3.485, → 4.47 with 65."""
    assert value(M.STANDARD_DECAYING_AVERAGE, [1, 2]) == 1.65
    assert value(M.STANDARD_DECAYING_AVERAGE, [1, 2, 3, 4, 5], 65) == 4.47


def test_weighted_average_is_latest_against_mean_of_older():
    """Canvas spec: 5 × 0.65 + mean(1,2,3,4) × 0.35 = 4.125, shown as 4.13 (half away from zero)."""
    assert value(M.WEIGHTED_AVERAGE, [1, 2, 3, 4, 5], 65) == 4.13


def test_weighted_average_matches_the_canvas_community_example():
    """Canvas community thread: last score 5, older average 4.88 → 0.65 × 5 + 0.35 × 4.88 = 4.96."""
    assert value(M.WEIGHTED_AVERAGE, [4.88, 4.88, 4.88, 5], 65) == 4.96
    assert value(M.WEIGHTED_AVERAGE, [5, 5, 5, 4.5], 65) == 4.68


def test_weighted_average_defaults_to_65():
    assert Calculation(M.WEIGHTED_AVERAGE).calculation_int == 65
    assert Calculation(M.STANDARD_DECAYING_AVERAGE).calculation_int == 65


def test_n_mastery_averages_only_scores_at_mastery():
    """Canvas spec: from [1..5] with mastery 3, n=3 gives mean(3,4,5) = 4; n=4 gives nothing."""
    assert value(M.N_MASTERY, [1, 2, 3, 4, 5], 3) == 4
    assert value(M.N_MASTERY, [1, 2, 3, 4, 5], 4) is None


def test_n_mastery_names_the_evidence_it_used():
    series = evidence_series([1, 3, 2, 4])
    result = calculate(series, Calculation(M.N_MASTERY, 2), canvas_scale())
    assert [e.artifact for e in result.evidence] == ["artifact-1", "artifact-3"]
    assert result.value == 3.5 and result.proficient


def test_average_latest_highest():
    """Canvas spec: average of [2, 4, 3] is 3.0; highest is 4; latest is the newest."""
    assert value(M.AVERAGE, [2, 4, 3]) == 3.0
    assert value(M.HIGHEST, [2, 4, 3]) == 4
    assert value(M.LATEST, [2, 4, 3]) == 3


def test_latest_follows_time_not_list_order():
    series = evidence_series([1, 4])
    result = calculate(list(reversed(series)), Calculation(M.LATEST), canvas_scale())
    assert result.value == 4 and result.evidence[0].artifact == "artifact-1"


def test_weighted_average_orders_by_rating_time():
    """A make-up score rated last counts as the latest, as Canvas orders by assessment time."""
    series = evidence_series([5, 5, 4.5])
    shuffled = [series[2], series[0], series[1]]
    assert calculate(shuffled, Calculation(M.WEIGHTED_AVERAGE), canvas_scale()).value == 4.68


@pytest.mark.parametrize("method", list(M))
def test_no_evidence_gives_no_value_and_not_proficient(method):
    result = calculate([], Calculation(method), canvas_scale())
    assert result.value is None and not result.proficient and result.level is None
    assert result.evidence == ()


@pytest.mark.parametrize("method", [m for m in M if m is not M.N_MASTERY])
def test_one_evidence_gives_its_own_score(method):
    result = calculate(evidence_series([3.333]), Calculation(method), canvas_scale())
    assert result.value == 3.33 and result.proficient and result.level.label == "Mastery"
    assert result.evidence[0].rater_type is RaterType.EMPLOYER


def test_ties_in_time_keep_the_given_order():
    """Two ratings at the same instant: the one given later counts as the newer."""
    first = Evidence(2, START, RaterType.TEACHER, artifact="a")
    second = Evidence(4, START, RaterType.EMPLOYER, artifact="b")
    assert calculate([first, second], Calculation(M.LATEST), canvas_scale()).evidence[0].artifact == "b"
    assert calculate([second, first], Calculation(M.LATEST), canvas_scale()).evidence[0].artifact == "a"


def test_highest_keeps_the_first_time_the_best_score_was_reached():
    result = calculate(evidence_series([4, 2, 4]), Calculation(M.HIGHEST), canvas_scale())
    assert result.evidence[0].artifact == "artifact-0"


def test_result_reports_level_reached_and_proficiency():
    result = calculate(evidence_series([2, 2.9]), Calculation(M.AVERAGE), canvas_scale())
    assert result.value == 2.45 and not result.proficient
    assert result.level.label == "Near Mastery" and result.level.color == "FC5E13"


@pytest.mark.parametrize(("method", "bad"), [
    (M.STANDARD_DECAYING_AVERAGE, 49), (M.STANDARD_DECAYING_AVERAGE, 100),
    (M.WEIGHTED_AVERAGE, 0), (M.WEIGHTED_AVERAGE, 100), (M.N_MASTERY, 0), (M.N_MASTERY, 11),
])
def test_parameters_out_of_range_are_refused_with_the_range(method, bad):
    with pytest.raises(ValueError, match="between"):
        Calculation(method, bad)


@pytest.mark.parametrize("method", [M.LATEST, M.HIGHEST, M.AVERAGE])
def test_methods_without_parameter_refuse_one(method):
    with pytest.raises(ValueError, match="takes no calculation_int"):
        Calculation(method, 3)


def test_parameter_must_be_a_whole_number():
    with pytest.raises(ValueError, match="whole number"):
        Calculation(M.N_MASTERY, 2.5)  # type: ignore[arg-type]


def test_legacy_canvas_name_means_weighted_average():
    assert M.parse("decaying_average") is M.WEIGHTED_AVERAGE
    assert M.parse(" Standard_Decaying_Average ") is M.STANDARD_DECAYING_AVERAGE
    with pytest.raises(ValueError, match="unknown calculation method 'median'"):
        M.parse("median")


def test_evidence_needs_a_finite_score_and_a_time_zone():
    with pytest.raises(ValueError, match="finite"):
        Evidence(float("nan"), START, RaterType.SELF)
    with pytest.raises(ValueError, match="time zone"):
        Evidence(1, dt.datetime(2026, 1, 1), RaterType.SELF)


def test_rounding_is_half_away_from_zero_like_ruby():
    assert round_like_canvas(4.125) == 4.13
    assert round_like_canvas(2.675) == 2.68  # 2.675 is 2.67499… in binary; Ruby still gives 2.68
    assert round_like_canvas(-1.005) == -1.01
    assert round_like_canvas(0.0) == 0.0


def test_every_method_explains_its_formula():
    formulas = {m: Calculation(m).formula for m in M}
    assert "65%" in formulas[M.WEIGHTED_AVERAGE] and "35%" in formulas[M.WEIGHTED_AVERAGE]
    assert "5 of them" in formulas[M.N_MASTERY]
    assert len(set(formulas.values())) == len(M)


def test_evidence_is_immutable():
    evidence = evidence_series([1])[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        evidence.score = 4  # type: ignore[misc]
