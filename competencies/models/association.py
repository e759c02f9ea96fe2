"""A typed link between two nodes (CASE CFAssociation), within or across frameworks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base


class Association(Base):
    __tablename__ = "association"
    __table_args__ = (
        Index("ix_association_origin", "origin_identifier"),
        Index("ix_association_destination", "destination_identifier"),
        Index("ix_association_origin_item_id", "origin_item_id"),
        Index("ix_association_destination_item_id", "destination_item_id"),
        Index("ix_association_framework_id", "framework_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    """The framework whose package carried this association (it is removed with it)."""
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    association_type: Mapped[str] = mapped_column(String(100))
    """A :class:`competencies.package.AssociationType` value, or a CASE ``ext:`` extension."""
    origin_identifier: Mapped[str] = mapped_column(String(500))
    destination_identifier: Mapped[str] = mapped_column(String(500))
    origin_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("item.id", ondelete="SET NULL")
    )
    """Null when the origin is the framework document itself."""
    destination_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("item.id", ondelete="SET NULL")
    )
    """Null when the destination is the document, or an item not (yet) imported."""
    destination_framework: Mapped[str | None] = mapped_column(String(500))
    """Identifier of the destination's framework when it is another one (a crosswalk)."""
    sequence: Mapped[int | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    last_change: Mapped[dt.datetime | None] = mapped_column()
    fingerprint: Mapped[str] = mapped_column(String(32), default="")
    """A hash of the columns above as the last import wrote them (see ``Item.fingerprint``)."""
