"""Crosswalks: which O*NET skills a CCSS standard is associated with, and back again."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from competencies import crosswalk
from competencies.browse import ItemNotFound, find_items
from competencies.crosswalk import Direction
from tests.competencies.framework_factories import Node, ident, store, tree_package

ONET: list[Node] = [
    ("2.A", "Basic Skills", [
        ("2.A.1.a", "Reading Comprehension", []),
        ("2.A.1.c", "Writing", []),
        ("2.A.1.d", "Speaking", []),
    ]),
]
CCSS: list[Node] = [
    ("CCSS.ELA-LITERACY.W.11-12", "Writing, grades 11-12", [
        ("CCSS.ELA-LITERACY.W.11-12.2",
         "Write informative/explanatory texts to convey complex ideas clearly.", []),
    ]),
]
W2 = "CCSS.ELA-LITERACY.W.11-12.2"


@pytest.fixture
def linked(db: Session) -> None:
    onet = ident("onet")
    store(db, tree_package("ccss", "CCSS ELA", CCSS, links=[
        (W2, "exactMatchOf", ident("onet", "2.A.1.c"), onet),
        (W2, "isRelatedTo", ident("onet", "2.A.1.a"), onet),
        (W2, "isRelatedTo", ident("elsewhere", "X.1"), ident("elsewhere")),
    ]))
    # Imported after the standards that point at it: the links resolve all the same.
    store(db, tree_package("onet", "O*NET skills", ONET))


def _item(db: Session, code: str) -> int:
    [found] = find_items(db, code)
    return found.item_id


def test_a_standard_lists_the_skills_it_is_associated_with(db: Session, linked: None) -> None:
    links = crosswalk.associated(db, _item(db, W2), to_framework=ident("onet"))
    assert [(link.association_type, link.other_code, link.direction) for link in links] == [
        ("exactMatchOf", "2.A.1.c", Direction.OUTGOING),
        ("isRelatedTo", "2.A.1.a", Direction.OUTGOING),
    ]
    assert {link.other_framework_title for link in links} == {"O*NET skills"}
    assert links[0].reads(W2) == f"{W2} exactMatchOf 2.A.1.c"


def test_a_skill_lists_the_standards_that_point_at_it(db: Session, linked: None) -> None:
    [link] = crosswalk.associated(db, _item(db, "2.A.1.c"))
    assert (link.other_code, link.direction, link.carried_by) == (W2, Direction.INCOMING,
                                                                 ident("ccss"))
    assert link.reads("2.A.1.c") == f"{W2} exactMatchOf 2.A.1.c"


def test_types_filter_the_links(db: Session, linked: None) -> None:
    links = crosswalk.associated(db, _item(db, W2), types={"exactMatchOf"})
    assert [link.other_code for link in links] == ["2.A.1.c"]


def test_a_link_to_an_item_not_imported_keeps_its_identifier(db: Session, linked: None) -> None:
    links = crosswalk.associated(db, _item(db, W2), to_framework=ident("elsewhere"))
    assert [(link.other_identifier, link.other_item_id) for link in links] == [
        (ident("elsewhere", "X.1"), None)]


def test_tree_edges_only_when_asked(db: Session, linked: None) -> None:
    skill = _item(db, "2.A.1.d")
    assert crosswalk.associated(db, skill) == []
    [parent] = crosswalk.associated(db, skill, include_tree=True)
    assert (parent.association_type, parent.other_code) == ("isChildOf", "2.A")


def test_an_unknown_item_is_an_error(db: Session) -> None:
    with pytest.raises(ItemNotFound):
        crosswalk.associated(db, 10**9)
