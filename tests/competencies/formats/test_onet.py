"""O*NET: occupations, tasks, skills with importance and level, technologies, and the credit line."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest

from competencies.formats import onet
from competencies.package import AssociationType
from tests.competencies.formats.format_checks import deviation_at

OCCUPATION_DATA = (b"O*NET-SOC Code\tTitle\tDescription\n"
                   b"49-3023.00\tAutomotive Service Technicians and Mechanics\tDiagnose, adjust, repair, or overhaul "
                   b"automotive vehicles.\n"
                   b"49-3023\tBroken code\tThe code has no .00\n")
TECHNOLOGY = (b"O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
              b"49-3023.00\tAlldata Repair\t43232306\tData base user interface and query software\tN\tN\n"
              b"49-3023.00\tMitchell 1 ProDemand\t43232306\tData base user interface and query software\tN\tN\n"
              b"49-3023.00\t\t43232306\tNo example\tN\tN\n")
KNOWLEDGE = (b"O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\tLower CI Bound\t"
             b"Upper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source\n"
             b"49-3023.00\t2.C.3.b\tMechanical\tIM\t4.61\t26\t0.13\t4.35\t4.87\tN\tn/a\t08/2023\tIncumbent\n"
             b"49-3023.00\t2.C.3.b\tMechanical\tLV\t5.23\t26\t0.22\t4.8\t5.66\tN\tN\t08/2023\tIncumbent\n"
             b"49-3023.00\t2.C.3.b\tMechanical\tXX\tlots\t26\t0.22\t4.8\t5.66\tN\tN\t08/2023\tIncumbent\n")


@functools.cache
def _real(directory: Path):
    return onet.read_files([directory / "occupations.csv", directory / "task-statements-subset.txt",
                            directory / "skills-subset.txt", directory / "content-model-reference.txt"],
                           release="30.3")


@pytest.fixture
def real(shared_data: Path):
    return _real(shared_data / "onet")


@pytest.mark.shared_data
def test_real_subsets_give_occupations_tasks_and_skills(real):
    kinds = Counter(item.item_type for item in real.items)
    assert kinds["Occupation"] == 1016 and kinds["Task"] == 275
    assert not any(d.fatal for d in real.deviations) and real.deviations == []


@pytest.mark.shared_data
def test_tasks_are_part_of_their_occupation(real):
    by_id = {item.identifier: item for item in real.items}
    part_of = [a for a in real.associations if a.association_type == AssociationType.IS_PART_OF]
    assert len(part_of) == 275
    per_occupation = Counter(by_id[a.destination].human_coding_scheme for a in part_of)
    assert per_occupation["13-2011.00"] == 29 and per_occupation["49-3023.00"] == 30
    task = by_id[part_of[0].origin]
    assert task.item_type == "Task" and task.extra["task_type"] in ("Core", "Supplemental", "n/a")


@pytest.mark.shared_data
def test_skills_carry_importance_and_level_per_occupation(real):
    reading = next(item for item in real.items if item.human_coding_scheme == "2.A.1.a")
    assert reading.abbreviated_statement == "Reading Comprehension"
    assert reading.full_statement.startswith("Understanding written sentences")  # from the content model
    accountants = reading.extra["occupations"]["13-2011.00"]
    assert accountants["importance"] == 3.88 and accountants["level"] == 4.25
    related = [a for a in real.associations if a.association_type == AssociationType.IS_RELATED_TO]
    assert len(related) == 12 * 35


@pytest.mark.shared_data
def test_skills_sit_in_the_content_model_tree(real):
    by_code = {item.human_coding_scheme: item for item in real.items}
    parent = next(a.destination for a in real.associations
                  if a.origin == by_code["2.A.1.a"].identifier and a.association_type == "isChildOf")
    assert parent == by_code["2.A.1"].identifier


@pytest.mark.shared_data
def test_core_skills_are_picked_by_importance(real):
    core = onet.core_elements(real, "15-1252.00", min_importance=3.5)
    assert core[0].abbreviated_statement == "Programming"
    assert all(item.extra["occupations"]["15-1252.00"]["importance"] >= 3.5 for item in core)


@pytest.mark.shared_data
def test_attribution_names_the_release_and_the_trademark(real):
    text = real.framework.attribution
    assert "O*NET 30.3 Database" in text and "O*NET® is a trademark of USDOL/ETA" in text
    assert "CC BY 4.0" in text and "USDOL/ETA has not approved, endorsed, or tested" in text
    assert real.framework.licence == "CC BY 4.0" and real.framework.version == "30.3"


def test_tab_delimited_occupation_data_and_bad_codes():
    package = onet.read(OCCUPATION_DATA, release="29.0")
    assert [item.abbreviated_statement for item in package.items] == ["Automotive Service Technicians and Mechanics"]
    assert deviation_at(package, "line 3, column 'O*NET-SOC Code'", "'49-3023' is not an O*NET-SOC code")


def test_technology_skills_are_shared_items_with_examples_per_occupation():
    package = onet.read_files([OCCUPATION_DATA, TECHNOLOGY], release="29.0")
    technology = next(item for item in package.items if item.item_type == "Technology")
    assert technology.human_coding_scheme == "43232306"
    assert [e["example"] for e in technology.extra["occupations"]["49-3023.00"]] == ["Alldata Repair",
                                                                                   "Mitchell 1 ProDemand"]
    assert deviation_at(package, "line 4", "without commodity code or example")


def test_knowledge_ratings_and_a_bad_rating_row():
    package = onet.read_files([KNOWLEDGE, OCCUPATION_DATA], release="29.0")
    mechanical = next(item for item in package.items if item.human_coding_scheme == "2.C.3.b")
    assert mechanical.item_type == "Knowledge"
    assert mechanical.extra["occupations"]["49-3023.00"]["level"] == 5.23
    assert deviation_at(package, "line 4", "without element, IM/LV scale or number")
    assert not any("title is the code" in d.message for d in package.deviations)


def test_an_occupation_named_only_by_ratings_is_reported():
    package = onet.read(KNOWLEDGE, release="29.0")
    assert deviation_at(package, "occupation 49-3023.00", "not in an Occupation Data file")


def test_unknown_release_is_said_not_invented():
    package = onet.read(OCCUPATION_DATA)
    assert "from the O*NET Database by" in package.framework.attribution
    assert deviation_at(package, "release", "not given")


def test_an_unknown_file_is_skipped_and_nothing_read_is_fatal():
    package = onet.read(b"Name\tColour\nx\ty\n", release="29.0")
    assert deviation_at(package, "line 1", "not an O*NET file")
    assert package.deviations[-1].fatal


def test_the_same_rows_give_the_same_identifiers():
    first, second = onet.read(OCCUPATION_DATA, release="29.0"), onet.read(OCCUPATION_DATA, release="29.0")
    assert [i.identifier for i in first.items] == [i.identifier for i in second.items]
    assert first.framework.identifier == second.framework.identifier
