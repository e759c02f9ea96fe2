"""Built-in frameworks: the Employability Skills Framework and the 2024 Career Clusters."""

from __future__ import annotations

from collections import Counter

import pytest

from competencies import builtin
from competencies.formats import csv_canvas, csv_moodle
from competencies.mastery import MasteryScale
from competencies.package import AssociationType


def children_of(package, code=None):
    by_id = {item.identifier: item for item in package.items}
    parent = package.framework.identifier if code is None else next(
        i.identifier for i in package.items if i.human_coding_scheme == code)
    return [by_id[a.origin].full_statement for a in package.associations
            if a.destination == parent and a.association_type == AssociationType.IS_CHILD_OF]


def test_names_lists_both_frameworks():
    assert builtin.names() == ["employability-skills", "career-clusters-2024"]
    with pytest.raises(LookupError, match="no built-in framework 'nace'"):
        builtin.load("nace")


def test_employability_skills_has_3_categories_and_9_skill_areas():
    esf = builtin.load("employability-skills")
    assert children_of(esf) == ["Applied Knowledge", "Effective Relationships", "Workplace Skills"]
    kinds = Counter(item.item_type for item in esf.items)
    assert kinds["Category"] == 3 and kinds["Skill Area"] == 9 and kinds["Skill"] == 42
    assert children_of(esf, "ESF.WS") == ["Resource Management", "Information Use", "Communication Skills",
                                          "Systems Thinking", "Technology Use"]
    assert "Public domain" in esf.framework.licence


def test_career_clusters_lists_the_14_clusters_and_marks_the_uncertain_parts():
    clusters = builtin.load("career-clusters-2024")
    names = children_of(clusters)
    assert len(names) == 14 and "Healthcare & Human Services" in names and "Supply Chain & Transportation" in names
    cross_cutting = {i.full_statement for i in clusters.items if i.extra.get("cross_cutting")}
    assert cross_cutting == {"Digital Technology", "Management & Entrepreneurship", "Marketing & Sales"}
    sub_clusters = [i for i in clusters.items if i.item_type == "Sub-Cluster"]
    assert sub_clusters and all(i.extra.get("uncertain") for i in sub_clusters)
    assert "72 Sub-Clusters" in clusters.framework.description and "uncertain" in clusters.framework.description


@pytest.mark.parametrize("name", builtin.names())
def test_identifiers_are_stable_uuid5_of_framework_and_code(name):
    package = builtin.load(name)
    again = builtin.load(name)
    assert [i.identifier for i in package.items] == [i.identifier for i in again.items]
    assert len({i.identifier for i in package.items}) == len(package.items)
    for item in package.items:
        assert item.identifier == builtin.identifier(name, item.human_coding_scheme)


def test_a_pinned_identifier_never_changes():
    """Changing the derivation would orphan every school's alignments to the ESF."""
    assert builtin.identifier("employability-skills", "ESF.AK.1.1") == "f66c639e-f7fa-534c-97ec-12fe2d8253e9"


def test_starter_scale_has_four_levels_with_points_flags_and_colours():
    scale = builtin.starter_scale()
    assert [(lv.points, lv.proficient) for lv in scale] == [(4, True), (3, True), (2, False), (1, False)]
    assert MasteryScale.of(scale).mastery_points == 3
    assert builtin.load("employability-skills").scale == scale


@pytest.mark.parametrize("name", builtin.names())
def test_built_ins_export_to_both_lms_formats(name):
    package = builtin.load(name)
    moodle = csv_moodle.read(csv_moodle.write(package))
    canvas = csv_canvas.read(csv_canvas.write(package))
    assert len(moodle.items) == len(canvas.items) == len(package.items)
    assert not [d for d in moodle.deviations + canvas.deviations if d.fatal]
