"""Every fault a platform produces ends in a recorded state; nothing is lost or sent twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bench.ags_platform import AgsPlatform, Fault
from lti_tool.grades import outbox
from lti_tool.grades.delivery import MAX_ATTEMPTS
from lti_tool.lti.registrations import add_registration
from lti_tool.models import (
    Course,
    DeliveryState,
    Deployment,
    DeploymentStatus,
    GradeOutbox,
    ResourceLink,
    User,
)
from tests.lti_tool.grades.conftest import GradeWorld
from tests.lti_tool.grades.test_delivery import enqueue, row


def test_a_server_error_is_retried_after_a_backoff(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", Fault(503, "Service Unavailable"))
    assert world.deliverer().deliver_due_scores()["pending"] == 1
    waiting = row(world, row_id)
    assert waiting.attempts == 1 and waiting.platform_status == 503
    assert "try again" in (waiting.problem or "")
    assert waiting.next_attempt_at >= world.clock.now + dt.timedelta(seconds=7)
    # Not due yet: nothing is sent.
    assert world.deliverer().deliver_due_scores().counts == {}
    world.clock.advance(3600)
    assert world.deliverer().deliver_due_scores()["delivered"] == 1
    assert len(world.lms.accepted) == 1


def test_429_waits_for_retry_after_and_pauses_only_that_platform(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", Fault(429, '{"error":"slow down"}', retry_after=120))
    world.deliverer().deliver_due_scores()
    waiting = row(world, row_id)
    assert waiting.state is DeliveryState.PENDING
    assert waiting.next_attempt_at == world.clock.now + dt.timedelta(seconds=120)
    assert waiting.attempts == 0  # a throttled request never reached the gradebook
    world.clock.advance(121)
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.DELIVERED


def test_canvas_403_rate_limit_exceeded_is_throttling_not_a_refusal(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", Fault(403, "403 Forbidden (Rate Limit Exceeded)"))
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).problem_kind == "rate_limited"
    assert world.pacing[1].throttled == 1


def test_a_hung_platform_and_a_reset_connection_are_retried(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", Fault("hang"), Fault("reset"))
    client = world.new_client(timeout=0.3)
    world.deliverer(client=client).deliver_due_scores()
    assert "no answer within" in (row(world, row_id).problem or "")
    world.clock.advance(3600)
    world.deliverer(client=client).deliver_due_scores()
    assert "connection" in (row(world, row_id).problem or "")
    world.clock.advance(3600)
    world.deliverer(client=client).deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.DELIVERED
    # The hung request may have been stored by the platform: then the retry's 409 says so.
    assert len(world.lms.accepted) == 1


def test_malformed_json_when_making_the_column_never_makes_two(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("lineitem", Fault(200, "[{"), Fault("malformed"))
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).problem_kind == "transient"
    world.clock.advance(3600)
    world.deliverer().deliver_due_scores()
    world.clock.advance(3600)
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.DELIVERED
    assert len(world.lms.lineitems) == 1


def test_a_resend_after_a_crash_answered_409_counts_as_delivered(world: GradeWorld) -> None:
    """The worker sent the score and died before it could write that down."""
    [row_id] = enqueue(world, world.score())
    world.deliverer().deliver_due_scores()
    with world.session() as session:  # as the dead worker left it
        session.execute(update(GradeOutbox).values(
            state=DeliveryState.IN_FLIGHT, worker="dead", lease_until=world.clock.now))
        session.commit()
    world.clock.advance(outbox.LEASE.total_seconds())
    assert world.deliverer("w2").deliver_due_scores()["delivered"] == 1
    assert world.lms.refused[409] == 1 and len(world.lms.accepted) == 1
    assert row(world, row_id).attempts == 2


def test_a_newer_grade_in_the_lms_is_not_overwritten(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", Fault(409, '{"error":"newer grade"}'))
    world.deliverer().deliver_due_scores()
    superseded = row(world, row_id)
    assert superseded.state is DeliveryState.SUPERSEDED
    assert "newer grade" in (superseded.problem or "")


def test_a_column_deleted_in_the_lms_is_parked_and_send_again_makes_a_new_one(world: GradeWorld) -> None:
    worker = world.deliverer()  # one worker throughout: it remembers the column it used
    enqueue(world, world.score(0))
    worker.deliver_due_scores()
    world.lms.delete_lineitem(1)
    [row_id] = enqueue(world, world.score(1))
    worker.deliver_due_scores()
    parked = row(world, row_id)
    assert (parked.state, parked.problem_kind) == (DeliveryState.FAILED, "line_item_gone")
    assert "deleted" in (parked.problem or "")
    world.clock.advance(3600)
    assert worker.deliver_due_scores().counts == {}  # parked: no retry loop
    with world.session() as session:
        outbox.send_again(session, row_id, now=world.clock.now)
    worker.deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.DELIVERED
    assert list(world.lms.lineitems) == [2] and world.lms.accepted[-1].lineitem == 2


def test_a_user_the_lms_cannot_grade_gets_a_reason_not_a_retry_loop(world: GradeWorld) -> None:
    world.lms.ungradable.add("student-0")
    [row_id] = enqueue(world, world.score())
    world.deliverer().deliver_due_scores()
    parked = row(world, row_id)
    assert (parked.state, parked.problem_kind, parked.platform_status) == (
        DeliveryState.FAILED, "not_gradable", 422)
    assert "cannot grade this person" in (parked.problem or "")
    sent = world.lms.requests["score"]
    world.clock.advance(86400)
    world.deliverer().deliver_due_scores()
    assert world.lms.requests["score"] == sent


def test_a_refusing_token_endpoint_parks_the_score_with_what_to_do(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("token", Fault(401, '{"error":"invalid_client"}'))
    world.deliverer().deliver_due_scores()
    parked = row(world, row_id)
    assert (parked.state, parked.problem_kind) == (DeliveryState.FAILED, "configuration")
    assert "refused Worklink's credentials" in (parked.problem or "")
    assert world.lms.requests["score"] == 0


def test_a_token_endpoint_outage_is_retried(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("token", Fault(503))
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.PENDING


def test_a_revoked_token_is_replaced_once_and_the_score_goes_through(world: GradeWorld) -> None:
    enqueue(world, world.score(0))
    world.deliverer().deliver_due_scores()
    world.lms.revoke_tokens()
    [row_id] = enqueue(world, world.score(1))
    world.deliverer().deliver_due_scores()
    assert row(world, row_id).state is DeliveryState.DELIVERED
    assert world.lms.token_requests == 2


def test_tokens_are_shared_by_workers_until_they_expire(world: GradeWorld) -> None:
    enqueue(world, world.score(0), world.score(1))
    world.deliverer("w1", client=world.new_client()).deliver_due_scores(limit=1)
    world.deliverer("w2", client=world.new_client()).deliver_due_scores(limit=1)
    assert len(world.lms.accepted) == 2 and world.lms.token_requests == 1


def test_a_disabled_deployment_sends_nothing_and_says_why(world: GradeWorld) -> None:
    with world.session() as session:
        session.execute(update(Deployment).values(status=DeploymentStatus.DISABLED))
        session.commit()
    [row_id] = enqueue(world, world.score())
    world.deliverer().deliver_due_scores()
    parked = row(world, row_id)
    assert parked.state is DeliveryState.FAILED and "disabled" in (parked.problem or "")
    assert sum(world.lms.requests.values()) == 0


def test_a_platform_that_keeps_failing_is_given_up_on_in_words(world: GradeWorld) -> None:
    [row_id] = enqueue(world, world.score())
    world.lms.fail("score", *(Fault(502) for _ in range(MAX_ATTEMPTS)))
    for _ in range(MAX_ATTEMPTS):
        world.deliverer().deliver_due_scores()
        world.clock.advance(7200)
    parked = row(world, row_id)
    assert parked.state is DeliveryState.FAILED
    assert f"tried {MAX_ATTEMPTS} times" in (parked.problem or "")


def test_one_throttled_tenant_does_not_hold_up_another(world: GradeWorld) -> None:
    with AgsPlatform() as other:
        with world.session() as session:
            registration = add_registration(
                session, name="Other district", issuer="https://other.test", client_id="c2",
                auth_login_url="https://other.test/auth", auth_token_url=other.token_url,
                key_set={"keys": []}, deployment_ids=["d-9"])
            session.flush()
            course = Course(deployment_id=registration.deployments[0].id, context_id="c-9",
                            lineitems_url=other.lineitems_url("c-9"))
            session.add(course)
            session.flush()
            link = ResourceLink(course_id=course.id, resource_link_id="rl-9", title="Job shadow")
            user = User(registration_id=registration.id, sub="student-0")
            session.add_all([link, user])
            session.commit()
            other_link, other_user = link.id, user.id
        world.lms.fail("score", Fault(429, retry_after=600))
        enqueue(world, world.score(0), world.score(1))
        score = world.score(0, link_id=other_link)
        enqueue(world, type(score)(**{**score.__dict__, "user_id": other_user}))
        world.deliverer().deliver_due_scores(parallelism=1)
        world.deliverer().deliver_due_scores(parallelism=1)
        assert len(other.accepted) == 1 and world.lms.accepted == []
        with world.session() as session:
            waiting = session.scalars(select(GradeOutbox).where(
                GradeOutbox.state == DeliveryState.PENDING)).all()
        assert {r.registration_id for r in waiting} == {1}
