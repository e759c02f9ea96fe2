"""The picker's search: only what the course may see, filtered, words ranked, paged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.tasks import library
from competencies.tasks.search import Filters, search
from competencies.tasks.vocabulary import (
    AlignmentType,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import course, deployment, draft, tenant


def _titles(db: Session, context: library.CourseContext, **filters: Any) -> list[str]:
    return [hit.title for hit in search(db, context, Filters(**filters)).entries]


def test_words_rank_title_matches_first_and_skip_what_the_course_cannot_see(db: Session) -> None:
    registration = tenant(db)
    place = deployment(db, registration)
    mine, neighbour = course(db, place), course(db, place)
    library.create_task(db, mine, draft(title="Tour", description="<p>A nurse talks</p>"))
    library.create_task(db, mine, draft(title="Nurse shadow"))
    library.create_task(db, neighbour, draft(title="Nurse interview"))  # course scope: hidden
    library.create_task(db, course(db, deployment(db, tenant(db))),
                        draft(title="Nurse tour", scope=LibraryScope.SHARED))  # other tenant
    assert _titles(db, mine, words="NURSE") == ["Nurse shadow", "Tour"]
    assert _titles(db, mine, words="nurse talks") == ["Tour"]
    assert _titles(db, mine, words="100%_") == []


def test_filters_by_stage_experience_pathway_and_scope(db: Session) -> None:
    place = deployment(db, tenant(db))
    mine, neighbour = course(db, place), course(db, place)
    library.create_task(db, mine, draft(title="Speaker", stage=ContinuumStage.AWARENESS,
                                        experience_type=ExperienceType.GUEST_SPEAKER,
                                        pathway="Construction"))
    library.create_task(db, neighbour, draft(title="Internship", stage=ContinuumStage.TRAINING,
                                             experience_type=ExperienceType.INTERNSHIP,
                                             scope=LibraryScope.DEPLOYMENT))
    assert _titles(db, mine, stage=ContinuumStage.TRAINING) == ["Internship"]
    assert _titles(db, mine, experience_type=ExperienceType.GUEST_SPEAKER) == ["Speaker"]
    assert _titles(db, mine, pathway="construct") == ["Speaker"]
    assert _titles(db, mine, scope=LibraryScope.DEPLOYMENT) == ["Internship"]
    hits = search(db, mine).entries
    assert [(h.title, h.own) for h in hits] == [("Speaker", True), ("Internship", False)]


def test_named_tasks_are_found_only_where_the_course_may_see_them(db: Session) -> None:
    """The picker's ticked tasks, drawn again whatever the search shows."""
    place = deployment(db, tenant(db))
    mine, neighbour = course(db, place), course(db, place)
    shadow = library.create_task(db, mine, draft(title="Shadow")).id
    library.create_task(db, mine, draft(title="Tour"))
    hidden = library.create_task(db, neighbour, draft(title="Interview")).id
    assert _titles(db, mine, task_ids=frozenset({shadow, hidden})) == ["Shadow"]
    assert _titles(db, mine, task_ids=frozenset()) == []


def test_a_standard_finds_tasks_aligned_to_it_or_anything_under_it(db: Session) -> None:
    mine = course(db, deployment(db, tenant(db)))
    framework_id = store(db, tree_package("s", "S", [
        ("S.1", "Communicate", [("S.1.a", "Explain", [])]), ("S.2", "Count", [])]))
    items = {i.human_coding_scheme: i for i in db.scalars(
        select(Item).where(Item.framework_id == framework_id))}
    explain = library.create_task(db, mine, draft(title="Explains"))
    count = library.create_task(db, mine, draft(title="Counts"))
    library.align(db, mine, explain.id, items["S.1.a"].id, AlignmentType.ASSESSES)
    library.align(db, mine, count.id, items["S.2"].id, AlignmentType.ASSESSES)
    assert _titles(db, mine, item_id=items["S.1"].id) == ["Explains"]
    assert _titles(db, mine, item_id=items["S.2"].id) == ["Counts"]
    assert _titles(db, mine, item_id=items["S.1.a"].id, words="counts") == []


def test_pages_do_not_overlap(db: Session) -> None:
    mine = course(db, deployment(db, tenant(db)))
    for n in range(5):
        library.create_task(db, mine, draft(title=f"Task {n}"))
    first = search(db, mine, limit=3)
    second = search(db, mine, limit=3, offset=3)
    assert first.has_more and not second.has_more
    assert len({h.id for h in first.entries} | {h.id for h in second.entries}) == 5


def test_words_match_word_prefixes_and_other_forms_of_a_word(db: Session) -> None:
    mine = course(db, deployment(db, tenant(db)))
    plain = {"career_cluster": None, "pathway": None}
    library.create_task(db, mine, draft(title="Healthcare careers day", description="<p>Talk</p>",
                                        **plain))
    library.create_task(db, mine, draft(title="Shadow a nurse", description="<p>A morning</p>",
                                        **plain))
    library.create_task(db, mine, draft(title="Case studies in retail", description="<p>Shop</p>",
                                        **plain))
    assert _titles(db, mine, words="health") == ["Healthcare careers day"]
    assert _titles(db, mine, words="nursing") == ["Shadow a nurse"]
    assert _titles(db, mine, words="study") == ["Case studies in retail"]
    assert _titles(db, mine, words="nursery healthcare") == []
