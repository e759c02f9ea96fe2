"""What a page's header shows about where and who: the course and the person, as plain values.

A launch's landing page draws them from the launch's own claims; later pages from the database
rows (the views accept either).
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class CourseView:
    id: int
    title: str | None
    label: str | None


@dataclasses.dataclass(frozen=True)
class PersonView:
    id: int | None
    name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or full or self.email or "Anonymous user"
