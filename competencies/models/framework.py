"""A competency framework: one CASE CFDocument, an O*NET occupation set, a built-in list…"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class Framework(Base):
    __tablename__ = "framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    """The CASE CFDocument identifier (a UUID, or an ASN URI in pre-1.0 files) or a derived id."""
    title: Mapped[str] = mapped_column(Text)
    creator: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    jurisdiction: Mapped[str | None] = mapped_column(Text)
    """Whose standards these are (ASN's ``asn:jurisdiction``, e.g. ``CCSS``), which need not be
    who published the file."""
    version: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(Text)
    attribution: Mapped[str | None] = mapped_column(Text)
    """Text that must be shown wherever this framework's data is (O*NET's credit line)."""
    source_url: Mapped[str | None] = mapped_column(String(2000))
    uri: Mapped[str | None] = mapped_column(String(2000))
    """The CASE ``uri`` of the CFDocument as published, kept for export."""
    language: Mapped[str | None] = mapped_column(String(20))
    adoption_status: Mapped[str | None] = mapped_column(String(100))
    subjects: Mapped[list[str]] = mapped_column(default=list)
    framework_type: Mapped[str | None] = mapped_column(String(100))
    case_version: Mapped[str | None] = mapped_column(String(20))
    source_format: Mapped[str] = mapped_column(String(50), default="")
    last_change: Mapped[dt.datetime | None] = mapped_column()
    """The source's own ``lastChangeDateTime``; ``imported_at`` is ours."""
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    """SHA-256 of the file last imported into this framework, so the same file imported again
    is recognised without reading it; cleared by any import that did not come from a file."""
