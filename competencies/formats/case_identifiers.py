"""CASE identifiers: the UUIDs CASE demands, derived stably from whatever the source used.

Pre-1.0 packages (and ASN) use URIs as identifiers; CASE 1.1 wants lower-case UUIDs. On export a
non-UUID identifier becomes a name-based UUID (uuid5, so every export gives the same one) and
the original travels in ``extensions.sourceIdentifier``; the reader puts it back, so a package
exported by Worklink re-imports onto the same rows.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c3f3e-5b0a-5c52-9d0e-2f5b8f7a4c11")
"""Worklink's uuid5 namespace for CASE identifiers; changing it would re-key every export."""

SOURCE_IDENTIFIER = "sourceIdentifier"
"""The ``extensions`` key that keeps an identifier which was not a CASE UUID."""


def is_case_uuid(identifier: str) -> bool:
    """True for the canonical lower-case 8-4-4-4-12 form the CASE schema requires."""
    try:
        return str(uuid.UUID(identifier)) == identifier
    except ValueError:
        return False


def case_uuid(identifier: str) -> str:
    """``identifier`` itself when it is a CASE UUID, else a uuid5 derived from it."""
    if is_case_uuid(identifier):
        return identifier
    return str(uuid.uuid5(NAMESPACE, identifier))
