"""Coverage grouped under parent items, with counts a teacher reads first: no database, no Flask."""

from __future__ import annotations

from competencies.coverage.matrix import (
    CoverageRow,
    FrameworkCoverage,
    Head,
    group_rows,
)
from competencies.messages import Message


def row(item_id: int, under: int | None, *cells: str | None, kind: str | None = None) -> CoverageRow:
    return CoverageRow(item_id, f"C{item_id}", f"Statement {item_id}", tuple(cells), under=under,
                       kind=kind)


HEADS = {10: Head(10, "W.1", "Writing"), 20: Head(20, "L.1", "Language")}


def test_rows_are_grouped_under_their_parent_in_the_frameworks_order() -> None:
    rows = [row(1, 20, "builds"), row(2, 10, None), row(3, 10, "teaches"), row(4, 20, None)]

    groups = group_rows(rows, HEADS)

    assert [(g.code, [r.item_id for r in g.rows]) for g in groups] == [
        ("W.1", [2, 3]), ("L.1", [1, 4])]


def test_each_group_counts_what_is_covered_and_names_its_gaps() -> None:
    writing, language = group_rows(
        [row(1, 10, "builds", None), row(2, 10, None, None), row(3, 10, None, "assesses"),
         row(4, 20, "teaches", None)], HEADS)

    assert (writing.covered, writing.total) == (2, 3)
    assert [r.item_id for r in writing.gaps] == [2]
    assert (language.covered, language.total, language.gaps) == (1, 1, ())


def test_the_top_level_comes_first_one_group_per_kind_of_item() -> None:
    """O*NET's occupations and skills both stand at the top: two groups, not one list of 47."""
    groups = group_rows([row(5, 10, "builds"), row(1, None, "builds", kind="Occupation"),
                         row(2, None, None, kind="Skill"), row(3, None, None, kind="Occupation")],
                        HEADS)

    assert [(g.label, [r.item_id for r in g.rows]) for g in groups] == [
        (Message("Top level: %(kind)s", kind="Occupation"), [1, 3]),
        (Message("Top level: %(kind)s", kind="Skill"), [2]),
        ("Writing", [5]),
    ]
    assert groups[0].code is None


def test_a_top_level_without_kinds_is_one_group() -> None:
    (top,) = group_rows([row(1, None, None), row(2, None, "builds")], {})
    assert top.label == Message("Top level") and top.total == 2


def test_a_row_whose_parent_is_not_known_stays_visible_at_the_top() -> None:
    (top,) = group_rows([row(1, 99, None)], HEADS)
    assert [r.item_id for r in top.rows] == [1]


def test_a_framework_adds_up_its_groups() -> None:
    framework = FrameworkCoverage(1, "Writing standards", None, group_rows(
        [row(1, 10, "builds"), row(2, 10, None), row(3, 20, None)], HEADS))

    assert (framework.covered, framework.total, framework.not_covered) == (1, 3, 2)
    assert [r.item_id for r in framework.rows] == [1, 2, 3]
    assert [g.code for g in framework.groups_with_gaps] == ["W.1", "L.1"]


def test_a_group_with_every_item_covered_has_no_gaps_to_show() -> None:
    framework = FrameworkCoverage(1, "Writing standards", None, group_rows(
        [row(1, 10, "builds"), row(2, 20, None)], HEADS))
    assert [g.code for g in framework.groups_with_gaps] == ["L.1"]
