"""Small CASE packages built in code, for reader, writer and importer tests."""

from __future__ import annotations

from typing import Any

DOC = "9a1b2c3d-0000-4000-8000-000000000000"


def item_id(n: int) -> str:
    return f"9a1b2c3d-0000-4000-8000-{n:012d}"


def association_id(n: int) -> str:
    return f"9a1b2c3d-0000-4000-9000-{n:012d}"


def case_item(n: int, statement: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"identifier": item_id(n), "uri": f"https://case.test/CFItems/{item_id(n)}",
            "fullStatement": statement or f"Statement {n}", "humanCodingScheme": f"T.{n}",
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00", **extra}


def child_of(n: int, child: str, parent: str, sequence: int | None = None,
             kind: str = "isChildOf") -> dict[str, Any]:
    association: dict[str, Any] = {
        "identifier": association_id(n), "uri": f"https://case.test/CFAssociations/{n}",
        "associationType": kind,
        "originNodeURI": {"title": "o", "identifier": child, "uri": f"https://case.test/{child}"},
        "destinationNodeURI": {"title": "d", "identifier": parent,
                               "uri": f"https://case.test/{parent}"},
        "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
    }
    if sequence is not None:
        association["sequenceNumber"] = sequence
    return association


def small_package(**document: Any) -> dict[str, Any]:
    """A document with items 1 and 2 at the top, 3 and 4 under 1, 5 under 3."""
    return {
        "CFDocument": {"identifier": DOC, "uri": f"https://case.test/CFDocuments/{DOC}",
                       "creator": "Test Board", "title": "Test Framework",
                       "lastChangeDateTime": "2024-01-01T00:00:00+00:00", "caseVersion": "1.1",
                       **document},
        "CFItems": [case_item(n) for n in range(1, 6)],
        "CFAssociations": [
            child_of(1, item_id(1), DOC, 1), child_of(2, item_id(2), DOC, 2),
            child_of(3, item_id(3), item_id(1), 1), child_of(4, item_id(4), item_id(1), 2),
            child_of(5, item_id(5), item_id(3), 1),
        ],
    }
