"""Client load: a few threads, each driving its own simulated users through launches.

Every user browses with a cookie jar of its own (bench/browsers.py). A real browser does not
keep a tool's cookies forever, and pylti1p3's default cookie session grows with every launch
(past 4 KB after 17 launches), so a user starts a fresh browser every ``new_browser_every``
launches; every target sees the same pattern.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence

from bench.browsers import HttpBrowser
from bench.platform_simulator import LaunchOutcome, SimulatedUser

Launcher = Callable[[HttpBrowser, SimulatedUser], LaunchOutcome]
BrowserFactory = Callable[[], HttpBrowser]


class UserAgent:
    """One user at their computer: a browser (cookie jar) thrown away every few launches."""

    def __init__(self, user: SimulatedUser, new_browser: BrowserFactory,
                 new_browser_every: int) -> None:
        self.user = user
        self.new_browser = new_browser
        self.new_browser_every = new_browser_every
        self.browser = new_browser()
        self.launches = 0

    def launch(self, launcher: Launcher) -> LaunchOutcome:
        if self.launches and self.launches % self.new_browser_every == 0:
            self.browser.close()
            self.browser = self.new_browser()
        self.launches += 1
        return launcher(self.browser, self.user)

    def close(self) -> None:
        self.browser.close()


@dataclasses.dataclass
class LoadResult:
    seconds: float
    latencies: list[float]
    """Seconds per successful launch, login GET to launch answer."""
    failures: Counter[str]

    @property
    def launches(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def per_second(self) -> float:
        return self.launches / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class BrowserPool:
    """One target's users, split between the client threads (no user launches twice at once)."""

    def __init__(self, users: Sequence[SimulatedUser], *, threads: int, new_browser: BrowserFactory,
                 new_browser_every: int) -> None:
        self.shares = [
            [UserAgent(user, new_browser, new_browser_every) for user in users[n::threads]]
            for n in range(threads)
        ]

    def run(self, launcher: Launcher, seconds: float) -> LoadResult:
        """Launch round-robin on every thread for ``seconds``; launches in flight then finish."""
        latencies: list[list[float]] = [[] for _ in self.shares]
        failures: list[Counter[str]] = [Counter() for _ in self.shares]
        start = time.perf_counter()
        deadline = start + seconds

        def drive(n: int) -> None:
            browsers = self.shares[n]
            i = 0
            while time.perf_counter() < deadline:
                outcome = browsers[i % len(browsers)].launch(launcher)
                i += 1
                if outcome.ok:
                    latencies[n].append(outcome.seconds)
                else:
                    failures[n][outcome.problem] += 1

        workers = [threading.Thread(target=drive, args=(n,), name=f"client-{n}")
                   for n in range(len(self.shares))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start
        return LoadResult(
            seconds=elapsed,
            latencies=[value for share in latencies for value in share],
            failures=sum(failures, Counter()),
        )

    def close(self) -> None:
        for share in self.shares:
            for browser in share:
                browser.close()
