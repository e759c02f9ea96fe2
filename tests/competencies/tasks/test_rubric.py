"""Rubric arithmetic: maximum with weights, rescaling when the floor is above 0."""

from __future__ import annotations

import pytest

from competencies.tasks.rubric import Criterion, Level, Rubric, RubricError, column_labels


def _levels(*points: float) -> tuple[Level, ...]:
    names = ("Beginning", "Developing", "Proficient", "Advanced")
    return tuple(Level(names[i], p) for i, p in enumerate(points))


def _rubric(floor: float = 0.0) -> Rubric:
    return Rubric("Shadow", (
        Criterion("Communication", _levels(floor, 2, 3, 4), weight=2.0),
        Criterion("Safety", _levels(floor, 2, 3, 4)),
    ))


def test_maximum_sums_each_criterions_best_level_times_its_weight() -> None:
    assert _rubric().maximum == 12.0


def test_zero_floor_scores_the_raw_weighted_sum() -> None:
    score = _rubric().score({"Communication": "Proficient", "Safety": "Beginning"})
    assert (score.given, score.maximum, score.rescaled) == (6.0, 12.0, False)


def test_a_floor_above_zero_is_rescaled_the_way_moodle_does() -> None:
    rubric = _rubric(floor=1.0)  # min 3, max 12
    lowest = rubric.score({"Communication": "Beginning", "Safety": "Beginning"})
    top = rubric.score({"Communication": "Advanced", "Safety": "Advanced"})
    middle = rubric.score({"Communication": "Developing", "Safety": "Proficient"})  # raw 7
    assert (lowest.given, top.given, lowest.rescaled) == (0.0, 12.0, True)
    assert middle.given == pytest.approx((7 - 3) / (12 - 3) * 12, abs=1e-4)


def test_rescaling_can_be_turned_off() -> None:
    score = _rubric(floor=1.0).score({"Communication": "Beginning", "Safety": "Beginning"},
                                     rescale=False)
    assert score.given == 3.0


def test_scoring_needs_every_criterion_rated() -> None:
    with pytest.raises(RubricError, match="not yet rated: “Safety”"):
        _rubric().score({"Communication": "Advanced"})


def test_scoring_refuses_a_level_the_criterion_does_not_have() -> None:
    with pytest.raises(RubricError, match="no level “Stellar”"):
        _rubric().score({"Communication": "Stellar", "Safety": "Advanced"})


@pytest.mark.parametrize(("rubric", "message"), [
    (Rubric("R", ()), "at least one criterion"),
    (Rubric("R", (Criterion("A", _levels(0)),)), "at least two levels"),
    (Rubric("R", (Criterion("A", _levels(0, 1), weight=0),)), "weight above 0"),
    (Rubric("R", (Criterion("A", _levels(0, -1)),)), "points of 0 or more"),
    (Rubric("R", (Criterion("A", _levels(0, 1)), Criterion("a", _levels(0, 1)))), "Two criteria"),
    (Rubric("R", (Criterion("A", _levels(2, 2)),)), "cannot tell work apart"),
    (Rubric("", (Criterion("A", _levels(0, 1)),)), "needs a title"),
])
def test_unsound_rubrics_are_explained(rubric: Rubric, message: str) -> None:
    with pytest.raises(RubricError, match=message):
        rubric.check()


def test_data_round_trip_keeps_weights_levels_and_competencies() -> None:
    rubric = Rubric("Shadow", (Criterion("A", _levels(0, 1, 2), weight=1.5,
                                         item_identifiers=("item-1",)),))
    assert Rubric.from_data(rubric.as_data()) == rubric


def test_shared_level_labels_become_the_table_header() -> None:
    assert column_labels(_rubric()) == ["Beginning", "Developing", "Proficient", "Advanced"]


def test_a_criterion_not_observed_counts_for_neither_score_nor_maximum_even_rescaled() -> None:
    levels = (Level("Low", 1), Level("Mid", 2), Level("High", 4))
    rubric = Rubric("Visit", (Criterion("Safety", levels), Criterion("Teamwork", levels)))
    score = rubric.score({"Safety": "Mid"}, not_observed={"Teamwork"})
    # One criterion of 1–4 points, its floor counted as 0: (2 - 1) / (4 - 1) × 4.
    assert (score.given, score.maximum, score.rescaled) == (1.3333, 4.0, True)
    with pytest.raises(RubricError, match="every one is marked"):
        rubric.score({}, not_observed={"Safety", "Teamwork"})
    with pytest.raises(RubricError, match="no criterion “Punctuality”"):
        rubric.score({"Safety": "Mid"}, not_observed={"Punctuality"})
