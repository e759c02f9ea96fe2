"""Paged service answers: a ``limit`` and ``page`` in the query, Link headers to walk the pages."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    link: str | None
    """The Link header: next, first and last, as Canvas sends them (naive parsers break on it)."""


def paginate(rows: Sequence[T], url: str, query: Mapping[str, str]) -> Page:
    """One page of ``rows``; ``limit`` absent or invalid means everything in one page."""
    try:
        limit = int(query.get("limit", "0"))
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        limit, page = 0, 1
    if limit <= 0:
        return Page(items=rows, link=None)
    last = max(1, math.ceil(len(rows) / limit))
    items = rows[(page - 1) * limit: page * limit]

    def at(number: int) -> str:
        return f"{url}?{urlencode({**query, 'limit': str(limit), 'page': str(number)})}"

    links = [f'<{at(page + 1)}>; rel="next"'] if page < last else []
    links += [f'<{at(1)}>; rel="first"', f'<{at(last)}>; rel="last"']
    return Page(items=items, link=", ".join(links))
