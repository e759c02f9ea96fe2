"""The pacer learns a Canvas-style leaky bucket and spaces requests before the platform refuses."""

from __future__ import annotations

from lti_tool.grades.delivery import backoff
from lti_tool.grades.pacing import Pacer, Pacing


class Tick:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_lets_requests_go_without_waiting() -> None:
    pacer = Pacer(Tick())
    for _ in range(5):
        pacer.observe({"X-Rate-Limit-Remaining": "700.0", "X-Request-Cost": "1.0"})
        assert pacer.reserve() == 0.0


def test_the_pacer_measures_the_refill_and_spaces_requests_to_it() -> None:
    """A bucket of 100 refilling 50 per second, drained by requests of cost 1 every 10 ms."""
    tick = Tick()
    pacer = Pacer(tick)
    level = 100.0
    for _ in range(60):
        tick.now += 0.01
        level = min(100.0, level + 0.5) - 1.0
        pacer.observe({"X-Rate-Limit-Remaining": f"{level:.2f}", "X-Request-Cost": "1"})
    assert pacer.leak is not None and abs(pacer.leak - 50) < 1
    assert pacer.interval == 0.0  # still more than half full: spend it
    pacer.observe({"X-Rate-Limit-Remaining": "10", "X-Request-Cost": "1"})
    assert abs(pacer.interval - 1.2 / 50) < 0.002  # low: a little slower than the refill
    assert pacer.reserve() == 0.0
    assert pacer.reserve() > 0  # the second request of the same instant waits its turn


def test_a_turn_too_far_off_is_not_taken() -> None:
    tick = Tick()
    pacer = Pacer(tick)
    pacer.throttled_for(30)
    assert pacer.reserve(max_wait=2) is None
    tick.now += 30
    assert pacer.reserve(max_wait=2) == 0.0


def test_a_throttle_pauses_that_platform_alone_for_retry_after() -> None:
    tick = Tick()
    pacing = Pacing(tick)
    pacing[1].throttled_for(30)
    assert pacing.paused() == frozenset({1})
    assert pacing[2].reserve() == 0.0
    assert pacing[1].reserve() == 30.0
    tick.now += 31
    assert pacing.paused() == frozenset()


def test_backoff_grows_with_jitter_and_never_comes_before_retry_after() -> None:
    assert backoff(1, rng=lambda: 0.0) == 7.5 and backoff(1, rng=lambda: 1.0) == 15.0
    assert backoff(3, rng=lambda: 1.0) == 60.0
    assert backoff(30, rng=lambda: 1.0) == 3600.0
    assert backoff(1, 120.0, rng=lambda: 1.0) == 120.0
