"""One page of a longer answer: browse and search never hand back more than a page."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 500
"""The most entries one page may hold, whatever a caller asks for."""


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    entries: list[T]
    offset: int
    limit: int
    has_more: bool
    """True when entries exist after this page (found by asking for one more, not by counting)."""

    @classmethod
    def of(cls, rows: Sequence[T], offset: int, limit: int) -> Page[T]:
        """The page from ``rows``, which holds up to ``limit + 1`` entries."""
        return cls(entries=list(rows[:limit]), offset=offset, limit=limit,
                   has_more=len(rows) > limit)


def bounds(limit: int, offset: int) -> tuple[int, int]:
    """``limit`` and ``offset`` made safe: at least one entry, at most :data:`MAX_LIMIT`."""
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)
