"""Check a CASE package dict against a CASE JSON Schema file the caller supplies.

Worklink does not ship the 1EdTech schema; an operator may point ``WORKLINK_CASE_SCHEMA`` at a
copy (``schema_from_env``), and tests use the one in the shared data.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from competencies.package import Deviation

SCHEMA_ENV = "WORKLINK_CASE_SCHEMA"


def schema_from_env(environ: Mapping[str, str] | None = None) -> Path | None:
    """The schema file named by ``WORKLINK_CASE_SCHEMA``, or None when it is not set."""
    value = (os.environ if environ is None else environ).get(SCHEMA_ENV)
    return Path(value) if value else None


def validate(package: Any, schema_path: Path, *, limit: int | None = None) -> list[Deviation]:
    """Every schema error as a deviation naming its JSON path (``CFItems[3].identifier``)."""
    errors = _validator(schema_path.resolve()).iter_errors(package)
    found = []
    for error in errors:
        found.append(Deviation(_path(error), error.message, fatal=True))
        if limit is not None and len(found) >= limit:
            break
    return found


@functools.lru_cache(maxsize=4)
def _validator(schema_path: Path) -> Draft201909Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FormatChecker())


def _path(error: ValidationError) -> str:
    where = ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "$"
