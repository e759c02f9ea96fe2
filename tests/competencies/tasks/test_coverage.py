"""The course alignment matrix: covered items, and the gaps beside them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.tasks import library
from competencies.tasks.coverage import course_coverage
from competencies.tasks.vocabulary import AlignmentType
from tests.competencies.framework_factories import store, tree_package
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


def test_no_alignments_give_an_empty_matrix(db: Session) -> None:
    here = course(db, deployment(db, tenant(db)))
    task = library.create_task(db, here, draft())
    matrix = course_coverage(db, [task.id])
    assert matrix.frameworks == [] and len(matrix.tasks) == 1


def test_tasks_sharing_a_title_get_numbered_column_labels() -> None:
    from competencies.tasks.coverage import column_labels

    assert column_labels([(4, "Tour"), (9, "Interview"), (2, "tour ")]) == [
        (4, "Tour (1)"), (9, "Interview"), (2, "tour  (2)")]
