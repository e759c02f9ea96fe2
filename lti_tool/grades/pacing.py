"""Per-platform pacing: one district's throttled Canvas never holds up another tenant's scores.

Canvas throttles with a cost-based leaky bucket: every answer says how much is left
(``X-Rate-Limit-Remaining``) and what the request cost (``X-Request-Cost``), and parallel
requests pay extra; an empty bucket answers 403 "Rate Limit Exceeded" (or 429). The pacer
learns the bucket from those headers: how full it gets, and how fast it refills (what is left
now, minus what was left before, plus what was spent since, over the time between). It then
spends a full bucket freely and, as it runs low, spaces requests towards the refill rate,
before the platform has to refuse one. A throttled answer pauses that platform alone for
``Retry-After`` (or a second) and widens its spacing.
No maintained Python library learns a remote leaky bucket from its headers (the rate
limiters on PyPI enforce a limit you already know), hence this small class.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

LOW_WATER = 0.3
"""Below this share of the fullest bucket seen, requests are spaced further apart."""
HIGH_WATER = 0.6
MAX_INTERVAL = 5.0
WINDOW = 40
"""Answers remembered to measure how fast the bucket refills."""


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.interval = 0.0
        """Seconds between the starts of two requests to this platform."""
        self.paused_until = 0.0
        self.fullest = 0.0
        self.leak: float | None = None
        """The bucket's refill, in cost units per second, once measured."""
        self.throttled = 0
        self._next_start = 0.0
        self._seen: deque[tuple[float, float, float]] = deque(maxlen=WINDOW)
        self._lock = threading.Lock()

    def reserve(self, max_wait: float = float("inf")) -> float | None:
        """Take the next turn and return how long to wait before sending; ``None`` (and no
        turn taken) when that would be longer than ``max_wait``."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start, self.paused_until)
            if start - now > max_wait:
                return None
            self._next_start = start + self.interval
            return start - now

    def pause_remaining(self) -> float:
        return max(0.0, self.paused_until - self.clock())

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from an answer that was not a throttle."""
        remaining = _number(headers.get("X-Rate-Limit-Remaining"))
        if remaining is None:
            return
        cost = _number(headers.get("X-Request-Cost")) or 1.0
        with self._lock:
            now = self.clock()
            self.fullest = max(self.fullest, remaining)
            self._seen.append((now, remaining, cost))
            self._measure_leak()
            share = remaining / self.fullest if self.fullest > 0 else 1.0
            if self.leak:
                # A bucket above HIGH_WATER may be spent freely; below it, requests are spaced
                # towards the rate it refills at, a little slower once it runs low.
                steady = cost / self.leak
                if share >= HIGH_WATER:
                    self.interval = 0.0
                elif share >= LOW_WATER:
                    self.interval = steady * (HIGH_WATER - share) / (HIGH_WATER - LOW_WATER)
                else:
                    self.interval = steady * 1.2
            elif share < LOW_WATER:
                self.interval = min(MAX_INTERVAL, max(self.interval * 1.5, 0.005))

    def _measure_leak(self) -> None:
        """Refill = (rise in what is left + what was spent) ÷ time, over answers while the bucket
        was not full (a full bucket hides its refill)."""
        if len(self._seen) < WINDOW // 2:
            return
        points = [p for p in self._seen if p[1] < self.fullest * 0.9]
        if len(points) < WINDOW // 2:
            return
        (t0, r0, _), (t1, r1, _) = points[0], points[-1]
        if t1 - t0 <= 0:
            return
        spent = sum(cost for _, _, cost in points[1:])
        measured = (r1 - r0 + spent) / (t1 - t0)
        if measured > 0:
            self.leak = measured if self.leak is None else 0.7 * self.leak + 0.3 * measured

    def throttled_for(self, seconds: float) -> None:
        with self._lock:
            self.throttled += 1
            self.paused_until = max(self.paused_until, self.clock() + seconds)
            self.interval = min(MAX_INTERVAL, max(self.interval * 2, 0.01))


class Pacing:
    """One pacer per platform (registration), shared by a worker's threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._pacers: dict[int, Pacer] = {}
        self._lock = threading.Lock()

    def __getitem__(self, registration_id: int) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(registration_id)
            if pacer is None:
                pacer = self._pacers[registration_id] = Pacer(self.clock)
            return pacer

    def paused(self) -> frozenset[int]:
        with self._lock:
            return frozenset(r for r, p in self._pacers.items() if p.pause_remaining() > 0)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
