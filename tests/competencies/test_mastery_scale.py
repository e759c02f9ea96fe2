"""Mastery scales: ordering, the mastery threshold and the level a value reaches."""

from __future__ import annotations

import pytest

from competencies.mastery import MasteryScale
from competencies.package import ScaleLevelRecord as Level


def test_levels_are_sorted_and_mastery_is_the_lowest_proficient_level():
    scale = MasteryScale.of([Level("Top", 4, True), Level("Low", 1), Level("Ok", 3, True)])
    assert [level.label for level in scale.levels] == ["Low", "Ok", "Top"]
    assert scale.mastery_points == 3 and scale.points_possible == 4


def test_value_reaches_the_highest_level_it_meets():
    scale = MasteryScale.of([Level("Top", 4, True), Level("Low", 1)])
    assert scale.level_for(3.99).label == "Low"
    assert scale.level_for(4).label == "Top"
    assert scale.level_for(0.5) is None and scale.level_for(None) is None


def test_outcome_mastery_points_override_the_flags():
    scale = MasteryScale.of([Level("Top", 4, True), Level("Low", 1)], mastery_points=2.5)
    assert scale.is_proficient(2.5) and not scale.is_proficient(2.49)


@pytest.mark.parametrize(("levels", "message"), [
    ([], "at least one level"),
    ([Level("A", 1, True), Level("B", 1)], "same points"),
    ([Level("A", 1)], "proficient level"),
    ([Level("A", 1, True, "green")], "six hex digits"),
])
def test_bad_scales_are_refused(levels, message):
    with pytest.raises(ValueError, match=message):
        MasteryScale.of(levels)
