"""What an import did, and the exception that says it did nothing."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import re

from competencies.package import Deviation


@dataclasses.dataclass
class ChangeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    """Gone from the source but still pointed at, so kept and marked retired."""
    deleted: int = 0
    skipped: int = 0
    """In the source but not stored (a repeated identifier, an association to nothing…)."""

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.retired + self.deleted


@dataclasses.dataclass
class ImportReport:
    framework_identifier: str
    source_format: str = ""
    framework_id: int | None = None
    framework: str = ""
    """``created``, ``updated`` or ``unchanged``; empty when the import was rejected."""
    items: ChangeCounts = dataclasses.field(default_factory=ChangeCounts)
    associations: ChangeCounts = dataclasses.field(default_factory=ChangeCounts)
    rubrics: ChangeCounts = dataclasses.field(default_factory=ChangeCounts)
    deviations: list[Deviation] = dataclasses.field(default_factory=list)
    same_file_as: dt.datetime | None = None
    """Set when the file was byte for byte the one imported then: nothing was read or written."""

    @property
    def changed(self) -> bool:
        """Whether anything stored differs now: the framework's fields or any row under it."""
        return self.framework in ("created", "updated") or any(
            counts.changed for counts in (self.items, self.associations, self.rubrics))

    @property
    def fatal(self) -> list[Deviation]:
        return [deviation for deviation in self.deviations if deviation.fatal]

    def summary(self) -> list[str]:
        """A few lines a person reads: the counts, then each kind of deviation with examples."""
        state = self.framework or "rejected"
        if state == "updated":
            changes = [f"{counts.changed:,} {name} changed" for name, counts in (
                ("items", self.items), ("associations", self.associations), ("rubrics", self.rubrics))
                if counts.changed]
            state += f" ({', '.join(changes) or 'its own details changed'})"
        lines = [f"framework {self.framework_identifier!r}: {state}"]
        if self.same_file_as is not None:
            lines.append(f"the same file as imported at {self.same_file_as:%Y-%m-%d %H:%M} UTC: "
                         "not read again")
        for name in ("items", "associations", "rubrics"):
            counts = dataclasses.asdict(getattr(self, name))
            shown = ", ".join(f"{value} {key}" for key, value in counts.items() if value)
            lines.append(f"{name}: {shown or 'none'}")
        groups: dict[tuple[bool, str, str], list[str]] = collections.defaultdict(list)
        for deviation in self.deviations:
            shape = re.sub(r"\[\d+\]", "[]", deviation.where)
            groups[(not deviation.fatal, shape, deviation.message)].append(deviation.where)
        for (not_fatal, shape, message), places in sorted(groups.items()):
            label = "" if not_fatal else "FATAL "
            example = places[0] if len(places) == 1 else f"{shape} ×{len(places)}, e.g. {places[0]}"
            lines.append(f"{label}{example}: {message}")
        return lines


class ImportRejected(Exception):
    """The source cannot be imported; the database is as it was. ``report`` says why."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        fatal = report.fatal
        first = f"{fatal[0].where}: {fatal[0].message}" if fatal else "rejected"
        more = f" (and {len(fatal) - 1} more)" if len(fatal) > 1 else ""
        super().__init__(f"import of {report.framework_identifier or 'the source'} "
                         f"rejected: {first}{more}")
