"""A final score reaches the simulated LMS gradebook as platforms want it, once, in order."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from bench.ags_platform import CANVAS_SUBMISSION, SCORE
from lti_tool.grades import outbox
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.models import DeliveryState, GradeOutbox, LineItemBinding, ResourceLink, User
from tests.lti_tool.grades.conftest import OUTBOUND, START, GradeWorld


def enqueue(world: GradeWorld, *scores: object) -> list[int]:
    with world.session() as session:
        rows = [outbox.enqueue(session, s, now=world.clock.now) for s in scores]  # type: ignore[arg-type]
        session.commit()
        return [r.id for r in rows]


def row(world: GradeWorld, row_id: int) -> GradeOutbox:
    with world.session() as session:
        found = session.get(GradeOutbox, row_id)
        assert found is not None
        return found


def test_a_final_score_arrives_with_points_comment_and_the_canvas_submission(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score(points=8))
    report = world.deliverer().deliver_due_scores()
    assert report["delivered"] == 1
    [accepted] = world.lms.accepted
    body = accepted.body
    assert body["userId"] == "student-0"
    assert (body["scoreGiven"], body["scoreMaximum"]) == (8, 12)
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    assert body["timestamp"] == "2026-11-02T09:00:00+00:00"
    assert body["comment"].splitlines() == [
        "Safety: Proficient, 4 of 4 points (Always wore gloves)",
        "Communication: Developing, 4 of 8 points", "Initiative: not observed, does not count",
        "Total: 8 of 12 points", "Rated by Ana Ruiz (employer), moderated by Lucia Rivera"]
    # The student's real submission time, not the moment the grade was sent.
    assert body[CANVAS_SUBMISSION] == {
        "new_submission": True, "submitted_at": "2026-10-31T06:00:00+00:00",
        "submission_type": "online_url", "submission_data": "https://worklink.test/work/abc"}
    assert body["submission"] == {"submittedAt": "2026-10-31T06:00:00+00:00"}
    assert accepted.headers == {"user_agent": OUTBOUND.user_agent, "content_type": SCORE,
                                "accept": "application/json"}
    delivered = row(world, row_id)
    assert delivered.state is DeliveryState.DELIVERED and delivered.delivered_at == START


def test_the_column_is_made_once_from_the_rubric_and_reused(world: GradeWorld) -> None:
    enqueue(world, *(world.score(n) for n in range(4)))
    world.deliverer().deliver_due_scores(parallelism=4)
    world.clock.advance(5)  # rows handed back while the first worker made the column
    world.deliverer().deliver_due_scores(parallelism=4)
    assert len(world.lms.accepted) == 4
    [item] = world.lms.lineitems.values()
    assert item == {"course": "course-1", "label": "Clinic shadow", "scoreMaximum": 12,
                    "resourceId": f"worklink-link-{world.link_id}", "tag": "worklink",
                    "resourceLinkId": "rl-1"}
    with world.session() as session:
        binding = session.scalars(select(LineItemBinding)).one()
        assert binding.created_by_worklink and binding.score_maximum == 12


def test_the_column_deep_linking_made_is_used_and_a_different_maximum_is_kept(world: GradeWorld) -> None:
    url = world.lms.add_lineitem("course-1", label="Clinic shadow", scoreMaximum=10,
                                 resourceLinkId="rl-1")
    with world.session() as session:
        session.get(ResourceLink, world.link_id).lineitem_url = url  # type: ignore[union-attr]
        session.commit()
    enqueue(world, world.score())
    world.deliverer().deliver_due_scores()
    assert len(world.lms.lineitems) == 1 and world.lms.accepted[0].lineitem == 1
    with world.session() as session:
        binding = session.scalars(select(LineItemBinding)).one()
        # The teacher is shown 10 in the LMS against 12 in the rubric.
        assert (binding.url, binding.score_maximum, binding.created_by_worklink) == (url, 10, False)


def test_a_column_listed_for_the_link_is_found_not_duplicated(world: GradeWorld) -> None:
    world.lms.add_lineitem("course-1", label="Other tool", scoreMaximum=5, resourceLinkId="rl-9")
    world.lms.add_lineitem("course-1", label="Clinic shadow", scoreMaximum=12,
                           resourceLinkId="rl-1")
    enqueue(world, world.score())
    world.deliverer().deliver_due_scores()
    assert len(world.lms.lineitems) == 2 and world.lms.accepted[0].lineitem == 2


def test_the_latest_score_wins_and_older_queued_ones_are_superseded(world: GradeWorld) -> None:
    first, second = enqueue(world, world.score(points=4), world.score(points=6))
    [third] = enqueue(world, world.score(points=9, source="submission:0/v2"))
    world.deliverer().deliver_due_scores()
    assert [a.body["scoreGiven"] for a in world.lms.accepted] == [9]
    assert row(world, first).state is row(world, second).state is DeliveryState.SUPERSEDED
    # Three scores in one second: each timestamp one second past the previous one.
    assert row(world, third).score_timestamp == START + dt.timedelta(seconds=2)


def test_a_regrade_in_the_same_second_is_not_refused_as_equal(world: GradeWorld) -> None:
    enqueue(world, world.score(points=4))
    world.deliverer().deliver_due_scores()
    enqueue(world, world.score(points=7))
    world.deliverer().deliver_due_scores()
    assert [a.body["scoreGiven"] for a in world.lms.accepted] == [4, 7]
    assert world.lms.refused[409] == 0
    # The same submission scored again is a regrade, not a new attempt in Canvas.
    assert world.lms.accepted[1].body[CANVAS_SUBMISSION]["new_submission"] is False


def test_awaiting_moderation_sends_no_points_and_asks_for_a_grader(world: GradeWorld) -> None:
    enqueue(world, world.score(grading=Grading.AWAITING_MODERATION))
    world.deliverer().deliver_due_scores()
    body = world.lms.accepted[0].body
    assert "scoreGiven" not in body
    assert (body["activityProgress"], body["gradingProgress"]) == ("Submitted", "PendingManual")


def test_a_returned_submission_reopens_it(world: GradeWorld) -> None:
    enqueue(world, world.score(grading=Grading.REOPENED))
    world.deliverer().deliver_due_scores()
    body = world.lms.accepted[0].body
    assert (body["activityProgress"], body["gradingProgress"]) == ("InProgress", "NotReady")


def test_not_delivered_counts_the_course_s_waiting_and_failed_scores(world: GradeWorld) -> None:
    enqueue(world, world.score(0), world.score(1))
    world.lms.ungradable.add("student-1")
    with world.session() as session:
        assert outbox.not_delivered(session, world.course_id) == 2
    world.deliverer().deliver_due_scores(parallelism=1)
    with world.session() as session:
        assert outbox.not_delivered(session, world.course_id) == 1


SPANISH = ["Safety: Proficient, 2,5 de 4 puntos", "Communication: Developing, 5 de 8 puntos",
           "Initiative: no observado, no cuenta", "Total: 7,5 de 12 puntos",
           "Evaluado por Ana Ruiz; Lucia Rivera"]
ENGLISH = ["Safety: Proficient, 2.5 of 4 points", "Communication: Developing, 5 of 8 points",
           "Initiative: not observed, does not count", "Total: 7.5 of 12 points",
           "Rated by Ana Ruiz; Lucia Rivera"]


def with_halves(world: GradeWorld, student: int, source: str | None = None) -> GradebookScore:
    """A score whose worths have decimals, rated by people (names are never translated)."""
    return dataclasses.replace(
        world.score(student, points=7.5, source=source), rater="Ana Ruiz; Lucia Rivera",
        criteria=[CriterionLine("Safety", "Proficient", 2.5, 4),
                  CriterionLine("Communication", "Developing", 5, 8),
                  CriterionLine("Initiative", None, None, 4)])


def speaks(world: GradeWorld, student: int, *, chosen: str | None, launched: str | None) -> None:
    with world.session() as session:
        user = session.get(User, world.students[student])
        assert user is not None
        user.locale, user.launch_locale = chosen, launched
        session.commit()


def comments(world: GradeWorld) -> list[tuple[str, list[str]]]:
    return [(a.body["userId"], a.body["comment"].splitlines()) for a in world.lms.accepted]


def test_each_students_comment_arrives_in_their_language(world: GradeWorld) -> None:
    """Spanish chosen over an English platform; English chosen over a Spanish one; no choice
    under a Mexican Spanish platform; neither."""
    for student, (chosen, launched) in enumerate(
            [("es", "en-US"), ("en", "es-419"), (None, "es_MX"), (None, None)]):
        speaks(world, student, chosen=chosen, launched=launched)
    enqueue(world, *(with_halves(world, n) for n in range(4)))
    world.deliverer().deliver_due_scores(parallelism=1)
    assert comments(world) == [("student-0", SPANISH), ("student-1", ENGLISH),
                               ("student-2", SPANISH), ("student-3", ENGLISH)]


def test_the_comment_keeps_the_language_it_was_queued_in(world: GradeWorld) -> None:
    """The student switches to English after the score was queued: that score goes as it was
    written, the next one in English."""
    speaks(world, 0, chosen="es", launched=None)
    enqueue(world, with_halves(world, 0))
    speaks(world, 0, chosen="en", launched=None)
    world.deliverer().deliver_due_scores()
    enqueue(world, with_halves(world, 0, source="submission:0/v2"))
    world.deliverer().deliver_due_scores()
    assert comments(world) == [("student-0", SPANISH), ("student-0", ENGLISH)]
