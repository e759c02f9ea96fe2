"""Protocols the shell implements for the domain: where artifacts' bytes are kept."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol


class ArtifactStore(Protocol):
    """Keeps the bytes of the files students hand in, by key, without holding a whole file.

    Keys are made by the caller from randomness (never from a student's file name), so nobody
    reaches a file by guessing; the store only keeps and gives back bytes.
    """

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        """Write the chunks under ``key`` as they come; the bytes written."""
        ...

    def put_file(self, key: str, path: Path) -> int:
        """Keep the file at ``path`` under ``key`` (a local store may move it); the bytes kept."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A stream of the bytes under ``key`` (the caller closes it); ``KeyError`` if none."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key`` for good, keeping no copy (a bucket's old versions included); nothing
        happens when it is not there. Raises when the bytes may remain."""
        ...

    def exists(self, key: str) -> bool:
        ...
