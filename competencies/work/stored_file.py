"""A file a student uploaded, as the domain records it once the shell has checked and stored it."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """An uploaded file after the shell's checks: content-typed, stripped, kept under a safe key.

    The shell (``lti_tool/storage``, ``lti_tool/uploads``) decides the media type from the
    content, strips location data from photos and writes the bytes; the domain only records
    what was kept, so a submission can list, version and show it.
    """

    key: str
    """Where the storage keeps the bytes; never derived from the student's file name."""
    sha256: str
    """Hex digest of the stored bytes (after photo metadata was stripped)."""
    size: int
    """Bytes stored."""
    media_type: str
    """The type the content says it is (sniffed), e.g. ``image/jpeg``; never the name's."""
    filename: str
    """The student's name for the file, cleaned for display and downloads."""
    thumbnail_key: str | None = None
    """A small JPEG preview's key, for images."""
