"""Rate limits on employer links, per link and per client address (the ``limits`` package).

Counters live in Redis when ``WORKLINK_REDIS_URL`` is set, so every worker shares them;
otherwise in the process's memory, which limits each worker separately.
"""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from lti_tool.config import Config

PER_ADDRESS = parse("30/minute")
"""Opening links from one address: enough for a school's shared network, not for guessing."""
PER_LINK = parse("120/minute")
"""Requests through one link: a person saving a draft as they go stays far below."""


class EmployerLimits:
    def __init__(self, redis_url: str | None, *, per_address: str | None = None,
                 per_link: str | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(
            storage_from_string(redis_url if redis_url else "memory://"))
        self._per_address = parse(per_address) if per_address else PER_ADDRESS
        self._per_link = parse(per_link) if per_link else PER_LINK

    def allow_address(self, address: str | None) -> bool:
        return self._limiter.hit(self._per_address, "worklink-employer-address", address or "-")

    def allow_link(self, jti: str) -> bool:
        return self._limiter.hit(self._per_link, "worklink-employer-link", jti)


def init_app(app: Flask, config: Config) -> None:
    app.extensions["worklink.employer_limits"] = EmployerLimits(config.redis_url)


def employer_limits() -> EmployerLimits:
    return current_app.extensions["worklink.employer_limits"]  # type: ignore[no-any-return]
