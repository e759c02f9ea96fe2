"""An upload's partial bytes: a file in the instance folder that PATCHes append to.

The part file's size is the upload's offset: a PATCH cut short (the phone lost its signal) keeps
every byte that arrived, so the client resumes from there. One PATCH at a time holds an
exclusive lock on the file; a second one for the same upload is told to wait (423).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from werkzeug.exceptions import ClientDisconnected

READ_SIZE = 1024 * 1024


class Busy(Exception):
    """Another request is writing this upload."""


def part_dir(instance_dir: Path) -> Path:
    return instance_dir / "uploads"


def part_path(instance_dir: Path, upload_id: str) -> Path:
    return part_dir(instance_dir) / f"{upload_id}.part"


def create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=False)


def offset(path: Path) -> int:
    return path.stat().st_size


@contextlib.contextmanager
def locked(path: Path) -> Iterator[BinaryIO]:
    """The part file open for appending, held by this request alone; ``Busy`` otherwise."""
    handle = path.open("r+b")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(path.name) from None
        handle.seek(0, os.SEEK_END)
        yield handle
    finally:
        handle.close()


def append(handle: BinaryIO, stream: IO[bytes], limit: int, digest: hashlib._Hash | None
           ) -> tuple[int, bool]:
    """Copy at most ``limit`` bytes of ``stream`` to the part file as they arrive.

    Returns the bytes written and whether the stream ended normally; a client that went away
    mid-body keeps what it sent (the disconnect is the normal case on a weak connection).
    """
    written = 0
    complete = True
    try:
        while written < limit:
            chunk = stream.read(min(READ_SIZE, limit - written))
            if not chunk:
                break
            handle.write(chunk)
            if digest is not None:
                digest.update(chunk)
            written += len(chunk)
    except (OSError, ClientDisconnected):
        complete = False
    handle.flush()
    return written, complete


def truncate(handle: BinaryIO, size: int) -> None:
    handle.truncate(size)
    handle.flush()
