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


def test_a_draining_bucket_spaces_requests_out_before_any_refusal() -> None:
    tick = Tick()
    pacer = Pacer(tick)
    pacer.observe({"X-Rate-Limit-Remaining": "700"})
    pacer.observe({"X-Rate-Limit-Remaining": "150", "X-Request-Cost": "10"})
    first = pacer.interval
    pacer.observe({"X-Rate-Limit-Remaining": "100", "X-Request-Cost": "10"})
    assert 0 < first < pacer.interval
    pacer.reserve()
    assert pacer.reserve() > 0  # the second request of the same instant waits its turn


def test_spacing_relaxes_again_while_the_bucket_stays_full() -> None:
    pacer = Pacer(Tick())
    pacer.observe({"X-Rate-Limit-Remaining": "700"})
    pacer.observe({"X-Rate-Limit-Remaining": "50"})
    tight = pacer.interval
    for _ in range(50):
        pacer.observe({"X-Rate-Limit-Remaining": "650"})
    assert pacer.interval < tight / 2


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
