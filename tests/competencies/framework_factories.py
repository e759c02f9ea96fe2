"""Frameworks built in code for browse, search and crosswalk tests, stored by the real importer."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from competencies.importing import import_package
from competencies.package import (
    AssociationRecord,
    AssociationType,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

Node = tuple[str, str, list["Node"]]
"""(code, statement, children)"""


def ident(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "worklink-test:" + "/".join(parts)))


def tree_package(key: str, title: str, nodes: list[Node],
                 links: list[tuple[str, str, str, str | None]] = ()) -> FrameworkPackage:
    """A framework ``key`` with ``nodes`` as its tree, plus ``links``: (origin code, type,
    destination identifier, destination framework identifier)."""
    package = FrameworkPackage(framework=FrameworkRecord(identifier=ident(key), title=title),
                               source_format="test")

    def add(children: list[Node], parent: str) -> None:
        for position, (code, statement, below) in enumerate(children, start=1):
            item = ItemRecord(identifier=ident(key, code), full_statement=statement,
                              human_coding_scheme=code)
            package.items.append(item)
            package.associations.append(AssociationRecord(
                identifier=ident(key, code, "parent"), origin=item.identifier,
                association_type=AssociationType.IS_CHILD_OF, destination=parent,
                sequence=position))
            add(below, item.identifier)

    add(nodes, package.framework.identifier)
    for code, kind, destination, framework in links:
        package.associations.append(AssociationRecord(
            identifier=ident(key, code, kind, destination), association_type=kind,
            origin=ident(key, code), destination=destination, destination_framework=framework))
    return package


def store(session: Session, package: FrameworkPackage) -> int:
    """Import ``package`` (removals allowed: callers re-store trimmed packages); its framework's id."""
    report = import_package(session, package, allow_removals=True)
    assert report.framework_id is not None
    return report.framework_id
