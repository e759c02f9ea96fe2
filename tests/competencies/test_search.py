"""Search items by code prefix and by words, across frameworks or within one."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.orm import Session

from competencies import search
from competencies.browse import find_items
from competencies.models import Evidence, RaterType
from competencies.paging import Page
from tests.competencies.framework_factories import Node, ident, store, tree_package

GEOMETRY: list[Node] = [
    ("CCSS.Math.Content.1.G", "Geometry", [
        ("CCSS.Math.Content.1.G.A", "Reason with shapes and their attributes.", [
            ("CCSS.Math.Content.1.G.A.1", "Distinguish defining versus non-defining features.",
             []),
            ("CCSS.Math.Content.1.G.A.3", "Partition circles and rectangles into equal shares.",
             []),
        ]),
    ]),
    ("CCSS.Math.Content.2.G", "Geometry, grade 2", []),
]
WRITING: list[Node] = [
    ("W.1", "Write informative texts that examine a topic and convey ideas clearly.", []),
    ("W.2", "Use precise language to describe shapes in a design brief.", []),
]


def _codes(page: Page[search.Hit]) -> list[str | None]:
    return [hit.code for hit in page.entries]


@pytest.fixture
def frameworks(db: Session) -> dict[str, int]:
    return {"math": store(db, tree_package("math", "Math", GEOMETRY)),
            "writing": store(db, tree_package("writing", "Writing", WRITING))}


def test_an_exact_code_comes_first_then_longer_codes(db: Session, frameworks: dict[str, int],
                                                     ) -> None:
    page = search.search(db, "CCSS.Math.Content.1.G.A")
    assert _codes(page) == ["CCSS.Math.Content.1.G.A", "CCSS.Math.Content.1.G.A.1",
                            "CCSS.Math.Content.1.G.A.3"]


def test_a_code_prefix_matches_in_any_case(db: Session, frameworks: dict[str, int]) -> None:
    assert _codes(search.by_code(db, "ccss.math.content.1.g.a.")) == [
        "CCSS.Math.Content.1.G.A.1", "CCSS.Math.Content.1.G.A.3"]


def test_like_wildcards_in_a_code_are_taken_literally(db: Session, frameworks: dict[str, int],
                                                      ) -> None:
    assert search.by_code(db, "CCSS%").entries == []
    assert search.by_code(db, "CCSS_Math").entries == []


def test_words_match_stemmed_forms(db: Session, frameworks: dict[str, int]) -> None:
    page = search.search(db, "partitioning rectangles")
    assert _codes(page) == ["CCSS.Math.Content.1.G.A.3"]


def test_words_search_every_framework_unless_one_is_named(db: Session,
                                                          frameworks: dict[str, int]) -> None:
    everywhere = search.search(db, "shapes")
    assert set(_codes(everywhere)) == {"CCSS.Math.Content.1.G.A", "W.2"}
    within = search.search(db, "shapes", framework_id=frameworks["writing"])
    assert _codes(within) == ["W.2"]
    assert within.entries[0].framework_title == "Writing"


def test_a_code_like_query_with_no_such_code_searches_words(db: Session,
                                                           frameworks: dict[str, int]) -> None:
    assert _codes(search.search(db, "two-dimensional")) == []
    assert _codes(search.search(db, "non-defining")) == ["CCSS.Math.Content.1.G.A.1"]


def test_pages_say_whether_more_follow(db: Session, frameworks: dict[str, int]) -> None:
    first = search.by_code(db, "CCSS", limit=3)
    rest = search.by_code(db, "CCSS", limit=3, offset=3)
    assert first.has_more and len(first.entries) == 3
    assert not rest.has_more and len(rest.entries) == 2
    assert not set(_codes(first)) & set(_codes(rest))


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(a b", "shapes AND OR NOT",
                                   "code:W.1", "*", "-", "((("])
def test_query_syntax_in_user_input_is_read_as_words(db: Session, frameworks: dict[str, int],
                                                     query: str) -> None:
    search.search(db, query)  # neither FTS5 nor tsquery syntax errors reach the user


def test_a_changed_statement_is_found_by_its_new_words_only(db: Session,
                                                            frameworks: dict[str, int]) -> None:
    package = tree_package("writing", "Writing", WRITING)
    package.items[0] = dataclasses.replace(package.items[0],
                                           full_statement="Draft persuasive essays.")
    store(db, package)
    assert _codes(search.search(db, "persuasive")) == ["W.1"]
    assert search.search(db, "convey ideas").entries == []


def test_deleted_items_drop_out_and_retired_ones_only_when_asked(
        db: Session, frameworks: dict[str, int]) -> None:
    [kept] = find_items(db, "W.2")
    db.add(Evidence(learner_ref="learner-1", item_id=kept.item_id, score=1,
                    rater_type=RaterType.EMPLOYER))
    db.flush()
    package = tree_package("writing", "Writing", [])
    store(db, package)  # W.1 is deleted, W.2 retired (evidence points at it)
    assert search.search(db, "informative").entries == []
    assert search.search(db, "precise language").entries == []
    retired = search.search(db, "precise language", include_retired=True).entries
    assert [(hit.code, hit.retired) for hit in retired] == [("W.2", True)]
    assert search.search(db, "W.2", include_retired=True).entries[0].identifier == ident(
        "writing", "W.2")


def test_codes_outrank_statements(db: Session, frameworks: dict[str, int]) -> None:
    store(db, tree_package("geo", "Geo", [("GEOMETRY", "Shapes and space.", []),
                                          ("GEO.2", "Geometry in art.", [])]))
    page = search.by_words(db, "geometry")
    assert page.entries[0].code == "GEOMETRY"


def test_a_broad_search_ranks_a_bounded_number_of_matches(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    store(db, tree_package("wide", "Wide", [(f"X.{n}", f"Safety rule {n}.", [])
                                            for n in range(8)]))
    monkeypatch.setattr(search, "CANDIDATES", 5)
    first = search.by_words(db, "safety", limit=3)
    rest = search.by_words(db, "safety", limit=3, offset=3)
    assert len(first.entries) == 3 and first.has_more
    assert len(rest.entries) == 2 and not rest.has_more


CARE: list[Node] = [
    ("HC.1", "Healthcare workers explain procedures to patients.", []),
    ("HC.2", "Nurses record vital signs accurately.", []),
    ("HC.3", "Cooks follow recipes.", []),
]


@pytest.mark.parametrize(("words", "codes"), [
    ("health", ["HC.1"]),            # a word prefix
    ("nursing", ["HC.2"]),           # another form of the word
    ("record vital", ["HC.2"]),      # every word required
    ("procedure patient", ["HC.1"]),
    ("healthy nurse", []),
])
def test_words_match_prefixes_and_word_forms(db: Session, words: str, codes: list[str]) -> None:
    store(db, tree_package("care", "Care", CARE))
    assert _codes(search.by_words(db, words)) == codes


def test_a_short_word_matches_only_itself(db: Session) -> None:
    """"a" is not a prefix of every word starting with a (that would be slow, and not meant)."""
    store(db, tree_package("care", "Care", CARE))
    assert _codes(search.by_words(db, "cooks follow recipes")) == ["HC.3"]
    assert _codes(search.by_words(db, "a")) == []
