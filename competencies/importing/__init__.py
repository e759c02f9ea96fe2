"""Store a :class:`~competencies.package.FrameworkPackage`, as often as it comes, without copies.

``import_package`` is idempotent: rows are matched by identifier, written only when something
differs, and an item the source dropped is deleted, or retired when evidence, a rubric or
another framework still points at it. All of it happens inside one savepoint: a fatal problem
raises :class:`ImportRejected` and leaves the database as it was. The caller commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competencies import formats
from competencies.importing import removals
from competencies.importing.associations import resolve_waiting, store_associations
from competencies.importing.items import (
    StoredItem,
    held_elsewhere,
    load_existing,
    remove_missing,
    store_items,
)
from competencies.importing.report import ChangeCounts, ImportRejected, ImportReport
from competencies.importing.rubrics import store_rubrics
from competencies.importing.scales import store_scale
from competencies.importing.tree import Tree, plan_tree, unique_records
from competencies.models import Association, Framework, Item
from competencies.orm import utcnow
from competencies.package import (
    AssociationRecord,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

__all__ = [
    "DEFAULT_MAX_BYTES", "ChangeCounts", "ImportRejected", "ImportReport", "Progress",
    "import_file", "import_package",
]

Progress = Callable[[str, int, int], None]
"""Called as ``on_progress(stage, done, total)``; stages: read, check, items, associations,
rubrics, done."""

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

R = TypeVar("R", ItemRecord, AssociationRecord)

_FRAMEWORK_FIELDS = tuple(
    field.name for field in dataclasses.fields(FrameworkRecord) if field.name != "identifier"
)


def import_file(session: Session, path: Path, fmt: str | None = None,
                on_progress: Progress | None = None, *,
                max_bytes: int = DEFAULT_MAX_BYTES, allow_removals: bool = False,
                removal_share: float = removals.DEFAULT_SHARE) -> ImportReport:
    """Read ``path`` with the reader for ``fmt`` (or its extension) and import it."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        report = ImportReport(framework_identifier="", source_format=fmt or "")
        report.deviations.append(Deviation(
            str(path.name), f"{size:,} bytes is over the limit of {max_bytes:,} bytes; "
                            "nothing was read", fatal=True))
        raise ImportRejected(report)
    name, reader = formats.reader_for(path, fmt)
    digest = _sha256(path, reader_name=name)
    unchanged = _same_file(session, digest)
    if unchanged is not None:
        return unchanged
    _progress(on_progress, "read", 0, 1)
    package = reader(path)  # readers take the path: reports name the file, O*NET reads its name
    if not package.source_format:
        package.source_format = name
    report = import_package(session, package, on_progress=on_progress,
                            allow_removals=allow_removals, removal_share=removal_share)
    stored = session.get(Framework, report.framework_id)
    if stored is not None:
        stored.source_digest = digest
        session.flush()
    return report


def _sha256(path: Path, *, reader_name: str) -> str:
    # The reader is part of what was imported: the same bytes read as another format are not
    # the same import.
    digest = hashlib.sha256(reader_name.encode() + b"\0")
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_file(session: Session, digest: str) -> ImportReport | None:
    """The report for a file already imported byte for byte: everything in it is unchanged.

    Re-importing a large framework file that has not changed is common (a nightly sync, a
    second click); reading 50,000 items to find nothing new costs seconds, hashing the bytes
    a fraction of one.
    """
    stored = session.scalar(select(Framework).where(Framework.source_digest == digest))
    if stored is None:
        return None
    report = ImportReport(framework_identifier=stored.identifier, source_format=stored.source_format,
                          framework_id=stored.id, framework="unchanged",
                          same_file_as=stored.imported_at)
    report.items.unchanged = session.scalar(
        select(func.count()).select_from(Item).where(Item.framework_id == stored.id,
                                                     Item.retired.is_(False))) or 0
    report.associations.unchanged = session.scalar(
        select(func.count()).select_from(Association).where(
            Association.framework_id == stored.id)) or 0
    return report


def import_package(session: Session, package: FrameworkPackage, *,
                   on_progress: Progress | None = None, allow_removals: bool = False,
                   removal_share: float = removals.DEFAULT_SHARE) -> ImportReport:
    """Store ``package``; :class:`ImportRejected` (nothing written) when it cannot be, or when
    it would remove more than ``removal_share`` of the framework's current items and
    ``allow_removals`` is not set."""
    framework = package.framework
    report = ImportReport(framework_identifier=framework.identifier,
                          source_format=package.source_format,
                          deviations=list(package.deviations))
    if not framework.identifier and not report.fatal:
        report.deviations.append(Deviation("framework", "the framework has no identifier",
                                           fatal=True))
    if report.fatal:
        raise ImportRejected(report)
    _progress(on_progress, "check", 0, 1)
    items, associations, repeats = unique_records(package)
    items, zoned_items = _zoned(items)
    associations, zoned_associations = _zoned(associations)
    report.deviations += repeats + zoned_items + zoned_associations
    report.items.skipped = len(package.items) - len(items)
    report.associations.skipped = len(package.associations) - len(associations)
    tree, faults = plan_tree(framework.identifier, items, associations)
    report.deviations += faults
    if report.fatal:
        raise ImportRejected(report)

    stored = session.scalar(select(Framework).where(Framework.identifier == framework.identifier))
    framework_id = stored.id if stored is not None else None
    existing = load_existing(session, framework_id) if framework_id is not None else {}
    if not allow_removals:
        guard = removals.too_many_removals(existing, {item.identifier for item in items},
                                           share=removal_share)
        if guard is not None:
            report.deviations.append(guard)
            raise ImportRejected(report)
    try:
        # Everything below writes; the savepoint undoes all of it if anything fails.
        with session.begin_nested():
            _write(session, package, stored, items, associations, tree, existing, report,
                   on_progress)
    except IntegrityError:
        # Identifiers are unique across frameworks. Checking 50,000 of them up front costs
        # seconds on every import; the unique indexes find a clash for free, and only then
        # do we look for which identifiers clash, to say so.
        clashes = _clashes(session, items, associations, framework_id)
        if not clashes:
            raise
        report.framework, report.framework_id = "", None
        report.items, report.associations, report.rubrics = (
            ChangeCounts(), ChangeCounts(), ChangeCounts())
        report.deviations += clashes
        raise ImportRejected(report) from None
    _progress(on_progress, "done", 1, 1)
    return report


def _write(session: Session, package: FrameworkPackage, stored: Framework | None,
           items: list[ItemRecord], associations: list[AssociationRecord], tree: Tree,
           existing: dict[str, StoredItem], report: ImportReport,
           on_progress: Progress | None) -> None:
    framework = package.framework
    stored, report.framework = _store_framework(session, stored, package)
    report.framework_id = stored.id
    skipped = report.items.skipped, report.associations.skipped
    _progress(on_progress, "items", 0, len(items))
    ids, report.items = store_items(session, stored.id, items, tree, existing)
    _progress(on_progress, "items", len(items), len(items))
    _progress(on_progress, "associations", 0, len(associations))
    report.associations, unresolved = store_associations(
        session, stored.id, framework.identifier, associations, ids)
    report.items.skipped, report.associations.skipped = skipped
    report.deviations += unresolved
    remove_missing(session, stored.id, existing, set(ids), report.items)
    resolve_waiting(session, stored.id)
    _progress(on_progress, "rubrics", 0, len(package.rubrics))
    report.rubrics, notes = store_rubrics(session, stored.id, package.rubrics, ids)
    report.deviations += notes
    report.deviations += store_scale(session, stored.id, f"{framework.title} scale",
                                     package.scale)
    if report.framework == "unchanged" and report.changed:
        report.framework = "updated"  # the framework's own fields are as they were; its items not
    session.flush()


def _clashes(session: Session, items: list[ItemRecord], associations: list[AssociationRecord],
             framework_id: int | None) -> list[Deviation]:
    found = []
    for identifier, owner in held_elsewhere(
            session, Item, [item.identifier for item in items], framework_id).items():
        found.append(Deviation(_where(items, identifier), f"item {identifier!r} already belongs "
                               f"to framework {owner!r}; an identifier names one item only",
                               fatal=True))
    for identifier, owner in held_elsewhere(
            session, Association, [a.identifier for a in associations], framework_id).items():
        found.append(Deviation(_where(associations, identifier), f"association {identifier!r} "
                               f"already belongs to framework {owner!r}", fatal=True))
    return found


def _store_framework(session: Session, stored: Framework | None, package: FrameworkPackage,
                     ) -> tuple[Framework, str]:
    record = package.framework
    values = {name: getattr(record, name) for name in _FRAMEWORK_FIELDS}
    values["source_format"] = package.source_format
    if values["last_change"] is not None and values["last_change"].tzinfo is None:
        values["last_change"] = values["last_change"].replace(tzinfo=dt.UTC)
    if stored is None:
        stored = Framework(identifier=record.identifier, **values)
        session.add(stored)
        session.flush()
        return stored, "created"
    state = "unchanged"
    for name, value in values.items():
        if getattr(stored, name) != value:
            setattr(stored, name, value)
            state = "updated"
    stored.imported_at = utcnow()
    stored.source_digest = None  # import_file sets it again when the package came from a file
    session.flush()
    return stored, state


def _zoned(records: list[R]) -> tuple[list[R], list[Deviation]]:
    """Times a reader gave without a zone, read as UTC (as CASE 1.0 files need)."""
    deviations = []
    result = []
    for record in records:
        if record.last_change is not None and record.last_change.tzinfo is None:
            record = dataclasses.replace(
                record, last_change=record.last_change.replace(tzinfo=dt.UTC))
            deviations.append(Deviation(f"{record.where or record.identifier}.last_change",
                                        "time without a zone; read as UTC"))
        result.append(record)
    return result, deviations


def _where(records: Sequence[ItemRecord | AssociationRecord], identifier: str) -> str:
    for record in records:
        if record.identifier == identifier:
            return record.where or identifier
    return identifier


def _progress(callback: Progress | None, stage: str, done: int, total: int) -> None:
    if callback is not None:
        callback(stage, done, total)
