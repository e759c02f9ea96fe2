"""A course's coverage from the database: covered items, and the gaps beside them, in groups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.coverage.course import course_coverage
from competencies.models import Item
from competencies.tasks import library
from competencies.tasks.vocabulary import AlignmentType
from tests.competencies.framework_factories import ident, store, tree_package
from tests.competencies.tasks.task_factories import course, deployment, draft, tenant


def _item(db: Session, code: str) -> int:
    item_id = db.scalar(select(Item.id).where(Item.human_coding_scheme == code))
    assert item_id is not None
    return item_id


def test_matrix_shows_what_each_task_covers_and_the_gaps_beside_it(db: Session) -> None:
    store(db, tree_package("w", "Writing standards", [
        ("W.1", "Writing", [("W.1.a", "Argue a claim", []), ("W.1.b", "Inform and explain", []),
                            ("W.1.c", "Narrate", [])]),
        ("L.1", "Language", [("L.1.a", "Grammar", [])]),
    ]))
    here = course(db, deployment(db, tenant(db)))
    shadow = library.create_task(db, here, draft(title="Job shadow"))
    interview = library.create_task(db, here, draft(title="Interview"))
    library.align(db, here, shadow.id, _item(db, "W.1.a"), AlignmentType.TEACHES)
    library.align(db, here, interview.id, _item(db, "W.1.a"), AlignmentType.ASSESSES)
    library.align(db, here, interview.id, _item(db, "W.1.b"), AlignmentType.BUILDS)

    matrix = course_coverage(db, [shadow.id, interview.id])

    assert [title for _, title in matrix.tasks] == ["Interview", "Job shadow"]
    (writing,) = matrix.frameworks
    rows = {row.code: row.cells for row in writing.rows}
    # Siblings of aligned items are shown (W.1.c is a gap); other branches are not (L.1.a).
    assert set(rows) == {"W.1.a", "W.1.b", "W.1.c"}
    assert rows["W.1.a"] == ("assesses", "teaches")
    assert rows["W.1.b"] == ("builds", None)
    assert rows["W.1.c"] == (None, None)
    assert writing.covered == 2
    # Grouped under their parent, the strand a teacher knows them by.
    assert [(g.code, g.label, g.covered, g.total) for g in writing.groups] == [
        ("W.1", "Writing", 2, 3)]


def _flat_occupations(db: Session) -> None:
    """An O*NET-shaped framework: everything at the top, task statements part of occupations."""
    package = tree_package("onet", "Occupations", [
        ("29-1141.00", "Registered Nurses", []), ("47-2111.00", "Electricians", []),
        ("1843", "Consult with healthcare teams", []), ("2024", "Interview patients", []),
        ("2878", "Test electrical systems", []), ("2.A.1.a", "Reading Comprehension", []),
        ("2.A.1.b", "Active Listening", []),
    ], links=[("1843", "isPartOf", ident("onet", "29-1141.00"), None),
              ("2024", "isPartOf", ident("onet", "29-1141.00"), None),
              ("2878", "isPartOf", ident("onet", "47-2111.00"), None)])
    kinds = {"29-1141.00": "Occupation", "47-2111.00": "Occupation", "1843": "Task",
             "2024": "Task", "2878": "Task", "2.A.1.a": "Skill", "2.A.1.b": "Skill"}
    for item in package.items:
        item.item_type = kinds[item.human_coding_scheme or ""]
    store(db, package)


def test_a_task_statement_sits_beside_its_occupations_other_tasks_not_every_task(
        db: Session) -> None:
    _flat_occupations(db)
    here = course(db, deployment(db, tenant(db)))
    shadow = library.create_task(db, here, draft(title="Shadow a nurse"))
    library.align(db, here, shadow.id, _item(db, "1843"), AlignmentType.BUILDS)
    library.align(db, here, shadow.id, _item(db, "29-1141.00"), AlignmentType.BUILDS)

    (onet,) = course_coverage(db, [shadow.id]).frameworks

    assert [(g.code, [r.code for r in g.rows]) for g in onet.groups] == [
        (None, ["29-1141.00", "47-2111.00"]),   # the occupations, at the top
        ("29-1141.00", ["1843", "2024"]),       # the nurse's tasks; not the electrician's
    ]
    assert str(onet.groups[0].label) == "Top level: Occupation"
    assert (onet.covered, onet.total) == (2, 4)


def test_an_aligned_skill_at_the_top_brings_the_other_skills_not_the_occupations(
        db: Session) -> None:
    _flat_occupations(db)
    here = course(db, deployment(db, tenant(db)))
    task = library.create_task(db, here, draft(title="Interview"))
    library.align(db, here, task.id, _item(db, "2.A.1.b"), AlignmentType.ASSESSES)

    (onet,) = course_coverage(db, [task.id]).frameworks

    assert [(str(g.label), [r.code for r in g.rows]) for g in onet.groups] == [
        ("Top level: Skill", ["2.A.1.a", "2.A.1.b"])]


def test_no_alignments_give_an_empty_matrix(db: Session) -> None:
    here = course(db, deployment(db, tenant(db)))
    task = library.create_task(db, here, draft())
    matrix = course_coverage(db, [task.id])
    assert matrix.frameworks == [] and len(matrix.tasks) == 1


def test_tasks_sharing_a_title_get_numbered_column_labels() -> None:
    from competencies.coverage.course import column_labels

    assert column_labels([(4, "Tour"), (9, "Interview"), (2, "tour ")]) == [
        (4, "Tour (1)"), (9, "Interview"), (2, "tour  (2)")]
