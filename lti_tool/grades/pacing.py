"""Per-platform pacing: one district's throttled Canvas never holds up another tenant's scores.

Canvas throttles with a cost-based leaky bucket: every answer says how much is left
(``X-Rate-Limit-Remaining``) and what the request cost (``X-Request-Cost``), and parallel
requests pay extra; an empty bucket answers 403 "Rate Limit Exceeded" (or 429). The pacer
learns from those headers: it spaces requests out as the bucket runs low, before the platform
has to refuse one, and a throttled answer pauses that platform alone for ``Retry-After``
(or a backoff) and doubles its spacing. Spacing shrinks again slowly while the bucket stays
full (additive increase, multiplicative decrease, as TCP does with a congested link).
No maintained Python library learns a remote leaky bucket from its headers (the rate
limiters on PyPI enforce a limit you already know), hence this small class.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

LOW_WATER = 0.3
"""Below this share of the fullest bucket seen, requests are spaced further apart."""
HIGH_WATER = 0.6
MAX_INTERVAL = 5.0


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.interval = 0.0
        """Seconds between the starts of two requests to this platform."""
        self.paused_until = 0.0
        self.fullest = 0.0
        self.throttled = 0
        self._next_start = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next turn; returns how long to wait before sending."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start, self.paused_until)
            self._next_start = start + self.interval
            return start - now

    def pause_remaining(self) -> float:
        return max(0.0, self.paused_until - self.clock())

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from an answer that was not a throttle."""
        remaining = _number(headers.get("X-Rate-Limit-Remaining"))
        if remaining is None:
            return
        with self._lock:
            self.fullest = max(self.fullest, remaining)
            if self.fullest <= 0:
                return
            share = remaining / self.fullest
            cost = _number(headers.get("X-Request-Cost")) or 1.0
            if share < LOW_WATER:
                floor = min(MAX_INTERVAL, max(0.001, cost / max(self.fullest, 1.0)))
                self.interval = min(MAX_INTERVAL, max(self.interval * 1.5, floor))
            elif share > HIGH_WATER and self.interval > 0:
                self.interval = max(0.0, self.interval * 0.97 - 0.0005)

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
