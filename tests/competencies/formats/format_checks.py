"""Assertions shared by the format tests: the shape of a package a reader returns."""

from __future__ import annotations

from competencies.package import AssociationType, FrameworkPackage


def parents_by_code(package: FrameworkPackage, code: str = "human_coding_scheme") -> dict[str, list[str]]:
    """Child label → parent labels (the framework shows as 'ROOT'), to compare trees across formats."""
    label = {item.identifier: getattr(item, code) or item.abbreviated_statement or item.full_statement
             for item in package.items}
    label[package.framework.identifier] = "ROOT"
    tree: dict[str, list[str]] = {}
    for link in package.associations:
        if link.association_type == AssociationType.IS_CHILD_OF:
            tree.setdefault(label[link.origin], []).append(label[link.destination])
    return tree


def deviation_at(package: FrameworkPackage, where_part: str, message_part: str) -> bool:
    return any(where_part in d.where and message_part in d.message for d in package.deviations)


def same_items(first: FrameworkPackage, second: FrameworkPackage) -> None:
    key = lambda item: item.identifier
    assert [(i.identifier, i.full_statement, i.abbreviated_statement, i.human_coding_scheme, i.item_type)
            for i in sorted(first.items, key=key)] == \
           [(i.identifier, i.full_statement, i.abbreviated_statement, i.human_coding_scheme, i.item_type)
            for i in sorted(second.items, key=key)]
    links = lambda p: sorted((a.association_type, a.origin, a.destination) for a in p.associations)
    assert links(first) == links(second)
    assert first.framework.identifier == second.framework.identifier
