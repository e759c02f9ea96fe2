"""Counting requests per client in the store every worker shares (the database or Redis).

Each window has ``limit`` single-use slots; a request takes the first free one with the store's
atomic ``add_once``, so workers on several machines count together without a counter type of
their own. Once the last slot is taken, one lookup answers every further request of the window.
"""

from __future__ import annotations

import time

from lti_tool.lti.store import EphemeralStore


class RateLimit:
    def __init__(self, store: EphemeralStore, name: str, *, limit: int, window: int) -> None:
        self.store = store
        self.name = name
        self.limit = limit
        self.window = window

    def allow(self, client: str) -> bool:
        """Count one request from ``client``; ``False`` once it made ``limit`` in this window."""
        start = int(time.time()) // self.window
        prefix = f"rate:{self.name}:{client}:{start}:"
        if self.store.get(prefix + str(self.limit - 1)) is not None:
            return False
        return any(self.store.add_once(prefix + str(slot), self.window)
                   for slot in range(self.limit))

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        return self.window - int(time.time()) % self.window
