"""CASE JSON packages (CFPackage) in: CASE 1.1, 1.0 and the pre-1.0 OpenSALT drafts.

This module reads the file: the size limit, the encoding, and a streamed read entry by entry
where the file allows it. :mod:`competencies.formats.case_json_reader` turns the parsed package
into records, tolerantly: only an unreadable file, or a package without a usable ``CFDocument``,
is fatal. ``write`` (the other direction) lives in :mod:`competencies.formats.case_json_writer`
and is re-exported here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from competencies.formats import case_json_stream, register_reader
from competencies.formats.case_json_reader import PackageReader, rejected
from competencies.formats.case_json_writer import write
from competencies.package import AssociationRecord, FrameworkPackage, ItemRecord

__all__ = ["DEFAULT_MAX_BYTES", "read", "read_document", "write"]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FrameworkPackage:
    """Read a CFPackage from a file or bytes; the size is checked before anything is parsed."""
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if size > max_bytes:
        return rejected("file", f"{size:,} bytes is over the limit of {max_bytes:,} bytes; "
                                "nothing was read")
    if isinstance(source, Path):
        streamed = _read_streamed(source)
        if streamed is not None:
            return streamed
    try:
        # JSON exchanged between systems is UTF-8 (RFC 8259); a byte-order mark is tolerated.
        data: str | bytes = (source.read_text(encoding="utf-8-sig") if isinstance(source, Path)
                             else source)
    except UnicodeDecodeError as error:
        return rejected(f"byte {error.start}", "not UTF-8 text")
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        return rejected(f"line {error.lineno}, column {error.colno}",
                        f"not valid JSON ({error.msg}); the file may be truncated")
    except UnicodeDecodeError as error:
        return rejected(f"byte {error.start}", "not UTF-8 text")
    del data
    return PackageReader(consume=True).read(document)


def _read_streamed(path: Path) -> FrameworkPackage | None:
    """Read a file's package entry by entry (:mod:`case_json_stream`); None if it cannot be
    (broken JSON, say: the ordinary read then says where)."""
    reader = PackageReader()
    items: list[ItemRecord] = []
    associations: list[AssociationRecord] = []

    def on_item(raw: Any, index: int) -> None:
        item = reader.item(raw, f"CFItems[{index}]", {})
        if item is not None:
            items.append(item)

    def on_association(raw: Any, index: int) -> None:
        association = reader.association(raw, f"CFAssociations[{index}]")
        if association is not None:
            associations.append(association)

    with path.open(encoding="utf-8-sig") as stream:
        package = case_json_stream.scan_file(stream, {"CFItems": on_item,
                                                      "CFAssociations": on_association})
    if package is None:
        return None
    return reader.read(package, items=items, associations=associations)


def read_document(document: Any) -> FrameworkPackage:
    """Turn an already parsed CFPackage (a dict, as from the CASE REST API) into a package."""
    return PackageReader().read(document)


register_reader("case", read, [".json"])
