"""The guard against a re-import that would take away much of a framework.

A file cut off exactly at a line break reads as a whole, shorter file (see
:mod:`competencies.formats.completeness`); imported over the framework it came from, it would
retire or delete every item after the cut. So a re-import that would remove more than a share of
the framework's current items (10% unless the caller sets another) is refused, with the numbers,
until the operator confirms that the items are meant to go.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from competencies.package import Deviation

DEFAULT_SHARE = 0.10
"""The share of a framework's current items a re-import may remove without confirmation."""


def too_many_removals(existing: Mapping[str, Sequence[object]], kept: Collection[str], *,
                      share: float = DEFAULT_SHARE) -> Deviation | None:
    """A fatal deviation when dropping every current item not in ``kept`` exceeds ``share``.

    ``existing`` maps identifiers to stored rows whose last value says whether the item is
    already retired (retired items are not current, so they do not count).
    """
    current = [identifier for identifier, stored in existing.items() if not stored[-1]]
    gone = [identifier for identifier in current if identifier not in kept]
    if not current or len(gone) <= share * len(current):
        return None
    return Deviation(
        "framework",
        f"this import would remove {len(gone):,} of the framework's {len(current):,} current items "
        f"({len(gone) / len(current):.0%}), more than the {share:.0%} an import may remove "
        "unconfirmed; nothing was stored. A file cut off in transfer looks like this: check it is "
        "whole. If the items are meant to go, confirm the removals (on the command line: "
        "--allow-removals) and import again", fatal=True)
