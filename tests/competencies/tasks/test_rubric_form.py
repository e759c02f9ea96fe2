"""The rubric builder's flat form fields become a rubric; spare rows are skipped."""

from __future__ import annotations

import pytest

from competencies.tasks.rubric import RubricError
from competencies.tasks.rubric_form import parse_rubric

FORM = {
    "title": "Shadow", "c0-name": "Communication", "c0-weight": "2",
    "c0-l0-label": "Not yet", "c0-l0-points": "0", "c0-l0-description": "Silent",
    "c0-l1-label": "Meets", "c0-l1-points": "3",
    "c0-l2-label": "", "c0-l2-points": "", "c0-l2-description": "",  # spare level row
    "c1-name": "", "c1-weight": "1",  # spare criterion
}


def test_filled_rows_become_criteria_and_levels_with_their_competencies() -> None:
    rubric = parse_rubric(FORM, lambda i: ["item-a", "item-a"] if i == 0 else [])
    assert [c.name for c in rubric.criteria] == ["Communication"]
    criterion = rubric.criteria[0]
    assert [(lv.label, lv.points, lv.description) for lv in criterion.levels] == [
        ("Not yet", 0.0, "Silent"), ("Meets", 3.0, "")]
    assert criterion.weight == 2.0 and criterion.item_identifiers == ("item-a",)
    assert rubric.maximum == 6.0


def test_points_that_are_not_numbers_are_named() -> None:
    with pytest.raises(RubricError, match="Points of level “Meets” of “Communication” must be a "
                                          "number, not “three”"):
        parse_rubric({**FORM, "c0-l1-points": "three"}, lambda i: [])


def test_a_level_without_points_is_named() -> None:
    with pytest.raises(RubricError, match="Points of level “Meets” of “Communication” is missing"):
        parse_rubric({**FORM, "c0-l1-points": ""}, lambda i: [])


def test_an_empty_form_asks_for_a_criterion() -> None:
    with pytest.raises(RubricError, match="at least one criterion"):
        parse_rubric({"title": "Empty"}, lambda i: [])
