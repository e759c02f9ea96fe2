"""Every exporter → importer pair gives back what its format can carry, for any package.

Hypothesis builds packages of the shape each format can express (Canvas CSV has three texts
per outcome and no education levels; Moodle CSV carries types and levels in two Worklink columns
Moodle ignores; CASE JSON carries everything) and checks that writing then reading keeps codes,
statements, hierarchy, types, education levels and mastery settings.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from competencies.formats import case_json, csv_canvas, csv_moodle
from competencies.package import (
    AssociationRecord,
    AssociationType,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    ScaleLevelRecord,
)

NAMESPACE = uuid.UUID("0f2d7c4e-9a55-4c1e-8a0e-3b7a5c2f9d10")
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"),
                                       exclude_characters='"'), min_size=1, max_size=12)
# Statements with a space inside (never taken for a code), and with the characters CSV must quote.
STATEMENTS = st.lists(WORDS, min_size=2, max_size=6).map(" ".join).map(
    lambda text: text.replace("‚", ",") + ', "quoted"')
CODES = st.from_regex(r"[A-Z]{1,4}(\.[0-9]{1,3}){1,3}", fullmatch=True)
GRADES = st.lists(st.sampled_from(["KG", "01", "02", "09", "10", "11", "12"]), unique=True, max_size=3)
METHODS = st.sampled_from([("decaying_average", 65), ("weighted_average", 40),
                           ("standard_decaying_average", 75), ("n_mastery", 3), ("latest", None),
                           ("highest", None), ("average", None)])


def _ident(n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, str(n)))


@st.composite
def trees(draw: st.DrawFn) -> list[int | None]:
    """Parent index (or None) of each item; a parent always comes earlier."""
    size = draw(st.integers(1, 12))
    return [None] + [draw(st.one_of(st.none(), st.integers(0, n - 1))) for n in range(1, size)]


def _package(parents: list[int | None], items: list[ItemRecord],
             scale: list[ScaleLevelRecord] | None = None) -> FrameworkPackage:
    framework = FrameworkRecord(identifier=_ident(-1), title="Generated framework")
    links = [AssociationRecord(identifier=_ident(1000 + n), association_type=AssociationType.IS_CHILD_OF,
                               origin=items[n].identifier,
                               destination=framework.identifier if parent is None else items[parent].identifier,
                               sequence=n + 1)
             for n, parent in enumerate(parents)]
    return FrameworkPackage(framework=framework, items=items, associations=links, scale=scale or [])


def _parents(package: FrameworkPackage) -> dict[str, str]:
    found: dict[str, str] = {}
    for link in package.associations:
        if link.association_type == AssociationType.IS_CHILD_OF:
            found.setdefault(link.origin, link.destination)
    return found


def _view(package: FrameworkPackage, *fields: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    return {item.identifier: tuple(getattr(item, name) for name in fields)
            + tuple(item.extra.get(key) for key in extra) for item in package.items}


@st.composite
def canvas_packages(draw: st.DrawFn) -> FrameworkPackage:
    parents = draw(trees())
    has_children = {parent for parent in parents if parent is not None}
    items = []
    for n in range(len(parents)):
        code = draw(st.one_of(st.none(), CODES))
        abbreviated = draw(st.one_of(st.none(), STATEMENTS))
        extra: dict[str, Any] = {}
        if not (code and abbreviated) and draw(st.booleans()):
            extra["display_name"] = draw(STATEMENTS)
        group = n in has_children
        if not group:
            method, number = draw(METHODS)
            extra["calculation_method"] = method
            if number is not None:
                extra["calculation_int"] = number
            points = draw(st.lists(st.integers(0, 10), min_size=1, max_size=4, unique=True))
            extra["ratings"] = [[float(p), draw(STATEMENTS)] for p in sorted(points, reverse=True)]
        items.append(ItemRecord(identifier=_ident(n), full_statement="Statement " + draw(STATEMENTS),
                                human_coding_scheme=code, abbreviated_statement=abbreviated,
                                item_type="group" if group else "outcome", extra=extra))
    return _package(parents, items)


@settings(max_examples=60, deadline=None)
@given(canvas_packages())
def test_canvas_csv_round_trip(package: FrameworkPackage) -> None:
    again = csv_canvas.read(csv_canvas.write(package))
    assert not any(d.fatal for d in again.deviations), again.deviations
    fields = ("human_coding_scheme", "full_statement", "abbreviated_statement", "item_type")
    mastery = ("display_name", "calculation_method", "calculation_int", "ratings")
    assert _view(again, *fields, extra=mastery) == _view(package, *fields, extra=mastery)
    assert _parents(again) == _parents(package)
    assert again.framework.identifier == package.framework.identifier


@st.composite
def moodle_packages(draw: st.DrawFn) -> FrameworkPackage:
    parents = draw(trees())
    items = []
    for n in range(len(parents)):
        code = draw(st.one_of(st.none(), CODES.map(lambda c, n=n: f"{c}-{n}")))  # id numbers are unique
        items.append(ItemRecord(
            identifier=_ident(n), full_statement="Statement " + draw(STATEMENTS),
            human_coding_scheme=code, abbreviated_statement=draw(st.one_of(st.none(), STATEMENTS)),
            item_type=draw(st.one_of(st.none(), st.sampled_from(["Standard", "Cluster", "competency"]))),
            education_levels=draw(GRADES)))
    labels = draw(st.lists(WORDS.filter(lambda w: "," not in w), min_size=2, max_size=5, unique=True))
    proficient = draw(st.integers(1, len(labels)))
    scale = [ScaleLevelRecord(label, position, position >= proficient)
             for position, label in enumerate(labels, start=1)]
    return _package(parents, items, scale)


@settings(max_examples=60, deadline=None)
@given(moodle_packages())
def test_moodle_csv_round_trip(package: FrameworkPackage) -> None:
    again = csv_moodle.read(csv_moodle.write(package))
    assert not any(d.fatal for d in again.deviations), again.deviations
    fields = ("human_coding_scheme", "full_statement", "abbreviated_statement", "item_type",
              "education_levels")
    assert _view(again, *fields) == _view(package, *fields)
    assert _parents(again) == _parents(package)
    assert [(lv.label, lv.points, lv.proficient) for lv in again.scale] == \
        [(lv.label, lv.points, lv.proficient) for lv in package.scale]
    assert again.framework.identifier == package.framework.identifier


@st.composite
def case_packages(draw: st.DrawFn) -> FrameworkPackage:
    parents = draw(trees())
    items = []
    for n in range(len(parents)):
        extra: dict[str, Any] = {}
        if draw(st.booleans()):
            method, number = draw(METHODS)
            extra = {"calculation_method": method, **({"calculation_int": number} if number else {})}
        items.append(ItemRecord(
            identifier=_ident(n), full_statement=draw(STATEMENTS),
            human_coding_scheme=draw(st.one_of(st.none(), CODES)),
            abbreviated_statement=draw(st.one_of(st.none(), STATEMENTS)),
            item_type=draw(st.one_of(st.none(), st.sampled_from(["Standard", "Cluster"]))),
            education_levels=draw(GRADES), extra=extra))
    labels = draw(st.lists(WORDS, min_size=2, max_size=4, unique=True))
    scale = [ScaleLevelRecord(label, float(points), points >= 2)
             for points, label in enumerate(labels)]
    return _package(parents, items, scale)


@settings(max_examples=60, deadline=None)
@given(case_packages())
def test_case_json_round_trip(package: FrameworkPackage) -> None:
    again = case_json.read(json.dumps(case_json.write(package)).encode())
    assert not any(d.fatal for d in again.deviations), again.deviations
    fields = ("human_coding_scheme", "full_statement", "abbreviated_statement", "item_type",
              "education_levels")
    mastery = ("calculation_method", "calculation_int")
    assert _view(again, *fields, extra=mastery) == _view(package, *fields, extra=mastery)
    assert _parents(again) == _parents(package)
    assert [(lv.label, lv.points, lv.proficient) for lv in again.scale] == \
        [(lv.label, lv.points, lv.proficient) for lv in package.scale]
