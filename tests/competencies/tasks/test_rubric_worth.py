"""One definition of what a level is worth: the levels' worths add up to the score sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competencies.tasks import starters
from competencies.tasks.rubric import Criterion, Level, Rubric

points = st.integers(min_value=0, max_value=8).map(float)
weights = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    criteria = []
    for c in range(draw(st.integers(min_value=1, max_value=4))):
        values = draw(st.lists(points, min_size=2, max_size=4, unique=True))
        levels = tuple(Level(f"L{i}", p) for i, p in enumerate(values))
        criteria.append(Criterion(f"C{c}", levels, weight=draw(weights)))
    return Rubric("R", tuple(criteria))


@given(rubrics(), st.data())
def test_the_score_is_the_sum_of_the_chosen_levels_worth(rubric: Rubric, data: st.DataObject) -> None:
    chosen = {c.name: data.draw(st.sampled_from(c.levels)) for c in rubric.criteria}
    score = rubric.score({name: level.label for name, level in chosen.items()})
    shown = sum(rubric.worth(c, chosen[c.name]) for c in rubric.criteria)
    assert score.given == pytest.approx(shown, abs=1e-3)


@given(rubrics(), st.data())
def test_with_criteria_not_observed_the_rest_add_up_to_the_score(rubric: Rubric,
                                                                 data: st.DataObject) -> None:
    """What the gradebook comment lists: each observed level's worth in the rubric counted."""
    names = [c.name for c in rubric.criteria]
    unseen = set(data.draw(st.lists(st.sampled_from(names), max_size=len(names) - 1, unique=True)))
    chosen = {c.name: data.draw(st.sampled_from(c.levels)) for c in rubric.criteria
              if c.name not in unseen}
    score = rubric.score({name: level.label for name, level in chosen.items()},
                         not_observed=unseen)
    counted = rubric.counted(unseen)
    assert [c.name for c in counted.criteria] == [n for n in names if n not in unseen]
    assert score.given == pytest.approx(
        sum(counted.worth(c, chosen[c.name]) for c in counted.criteria), abs=1e-3)
    assert score.maximum == pytest.approx(
        sum(counted.best_worth(c) for c in counted.criteria), abs=1e-3)


@given(rubrics())
def test_the_best_levels_add_up_to_the_maximum_and_a_floor_counts_zero(rubric: Rubric) -> None:
    assert sum(rubric.best_worth(c) for c in rubric.criteria) == pytest.approx(rubric.maximum, abs=1e-3)
    if rubric.needs_rescaling:
        assert all(rubric.worth(c, min(c.levels, key=lambda lv: lv.points)) == 0
                   for c in rubric.criteria)


def test_a_floor_of_1_shows_the_lowest_level_worth_0_not_1() -> None:
    """The finding: students saw “Beginning (1 pts)” for a level that counted 0."""
    rubric = Rubric("R", (Criterion("Safety", (Level("Beginning", 1), Level("Advanced", 4))),))
    assert rubric.worth(rubric.criteria[0], rubric.criteria[0].levels[0]) == 0
    assert rubric.score({"Safety": "Beginning"}).given == 0


def test_the_employability_starter_counts_what_it_says() -> None:
    rubric = starters.load("employability-skills")
    lowest = {c.name: c.levels[0].label for c in rubric.criteria}
    assert not rubric.needs_rescaling
    assert all(rubric.worth(c, c.levels[0]) == c.levels[0].points == 0 for c in rubric.criteria)
    assert rubric.score(lowest).given == 0 and rubric.maximum == 15
