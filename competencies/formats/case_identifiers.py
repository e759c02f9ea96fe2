"""CASE identifiers: the UUIDs CASE demands, derived stably from whatever the source used.

Pre-1.0 packages (and ASN) use URIs as identifiers; CASE 1.1 wants lower-case UUIDs. On export a
non-UUID identifier becomes a name-based UUID (uuid5, so every export gives the same one) and
the original travels in ``extensions.sourceIdentifier``; the reader puts it back, so a package
exported by Worklink re-imports onto the same rows.
"""

from __future__ import annotations

import re
import uuid

NAMESPACE = uuid.UUID("6f1c3f3e-5b0a-5c52-9d0e-2f5b8f7a4c11")
"""Worklink's uuid5 namespace for CASE identifiers; changing it would re-key every export."""

SOURCE_IDENTIFIER = "sourceIdentifier"
"""The ``extensions`` key that keeps an identifier which was not a CASE UUID."""


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_case_uuid(identifier: str) -> bool:
    """True for the canonical lower-case 8-4-4-4-12 form the CASE schema requires.

    A pattern, not ``uuid.UUID``: it is asked twice for every item of a 50,000-item package,
    and building a UUID object each time was a third of the time spent reading one.
    """
    return _CANONICAL.fullmatch(identifier) is not None


def case_uuid(identifier: str) -> str:
    """``identifier`` itself when it is a CASE UUID, else a uuid5 derived from it."""
    if is_case_uuid(identifier):
        return identifier
    return str(uuid.uuid5(NAMESPACE, identifier))
