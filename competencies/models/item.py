"""One statement of a framework (a CASE CFItem), placed in the framework's tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.labels import Label, readable
from competencies.orm import Base


class Item(Base):
    __tablename__ = "item"
    __table_args__ = (
        # One tree level, in order, straight from the index: the browse view never loads the tree.
        Index("ix_item_framework_parent_sequence", "framework_id", "parent_id", "sequence"),
        Index("ix_item_framework_code", "framework_id", "human_coding_scheme"),
        # Subtrees are ``path LIKE '/12/45/%'``; PostgreSQL uses an index for LIKE only with
        # the pattern operator class (unless the database collation is plain "C").
        Index("ix_item_framework_path", "framework_id", "path",
              postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    """The CASE GUID, an ASN URI in pre-1.0 packages, or a stable id derived from the source."""
    human_coding_scheme: Mapped[str | None] = mapped_column(String(255))
    """The publisher's code, e.g. ``CCSS.Math.Content.1.G.A``."""
    full_statement: Mapped[str] = mapped_column(Text)
    abbreviated_statement: Mapped[str | None] = mapped_column(Text)
    item_type: Mapped[str | None] = mapped_column(String(255))
    education_levels: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    list_enumeration: Mapped[str | None] = mapped_column(String(100))
    sequence: Mapped[int | None] = mapped_column()
    """Position under the parent, from the isChildOf association's ``sequenceNumber``."""
    language: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(String(2000))
    last_change: Mapped[dt.datetime | None] = mapped_column()
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Source facts with no column of their own (O*NET importance and level, CASE extensions)."""
    fingerprint: Mapped[str] = mapped_column(String(32), default="")
    """A hash of the source's content columns, so a re-import compares 32 characters per row
    instead of decoding every JSON column; empty for rows written outside an import."""
    retired: Mapped[bool] = mapped_column(default=False)
    """Gone from the source but still pointed at (evidence, rubric, crosswalk), so kept."""
    retired_at: Mapped[dt.datetime | None] = mapped_column()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    depth: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(1000), default="/")
    """Ancestor ids from the root, ``/12/45/``; a subtree is ``path LIKE '/12/45/<id>/%'``."""

    @property
    def subtree_prefix(self) -> str:
        """The ``path`` prefix every descendant of this item has."""
        return f"{self.path}{self.id}/"

    def readable(self) -> tuple[str | None, Label]:
        """The code to show (None: none) and the text a person reads (see competencies.labels)."""
        extra = self.extra or {}
        return readable(self.human_coding_scheme, self.full_statement, self.item_type,
                        self.abbreviated_statement, extra.get("occupation"),
                        extra.get("occupation_title"))
