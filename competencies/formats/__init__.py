"""Readers that turn a source file into a :class:`~competencies.package.FrameworkPackage`.

Each format registers itself here by name and file extensions, so the one entry point
``competencies.importing.import_file`` can dispatch without knowing any format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

from competencies.package import FrameworkPackage

Reader = Callable[[bytes | Path], FrameworkPackage]

READERS: dict[str, Reader] = {}
EXTENSIONS: dict[str, str] = {}
"""File extension (lower case, with the dot) → reader name."""

# Modules that register a reader when imported; a module that is not there yet is skipped,
# so a checkout with only some formats still imports what it has.
_READER_MODULES = (
    "competencies.formats.case_json",
    "competencies.formats.csv_opensalt",
    "competencies.formats.csv_canvas",
    "competencies.formats.csv_moodle",
    "competencies.formats.xml_canvas",
    "competencies.formats.xml_asn",
    "competencies.formats.onet",
)


def register_reader(name: str, fn: Reader, extensions: Iterable[str] = ()) -> None:
    """Make ``fn`` the reader for format ``name`` and for files ending in ``extensions``."""
    READERS[name] = fn
    for extension in extensions:
        extension = extension.lower()
        EXTENSIONS[extension if extension.startswith(".") else f".{extension}"] = name


def load_readers() -> None:
    """Import every known reader module so that it registers itself."""
    for module in _READER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def reader_for(path: Path, fmt: str | None = None) -> tuple[str, Reader]:
    """The reader named ``fmt``, or the one registered for the file's extension."""
    load_readers()
    if fmt is not None:
        if fmt not in READERS:
            raise LookupError(f"unknown format {fmt!r}; known: {', '.join(sorted(READERS))}")
        return fmt, READERS[fmt]
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise LookupError(
            f"no reader for {path.suffix or 'files without an extension'}; "
            f"name the format (known: {', '.join(sorted(READERS))})"
        )
    return name, READERS[name]
