"""Batch mastery: grouping by learner and competency, overrides, and the benchmark's data set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from competencies.mastery import Calculation, CalculationMethod, compute_mastery
from tests.competencies.mastery_factories import canvas_scale, evidence_series

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mastery_bench.py"


def test_one_result_per_learner_and_competency():
    rows = (evidence_series([1, 3], learner="ana", competency="safety")
            + evidence_series([4], learner="ana", competency="tools")
            + evidence_series([2, 2], learner="ben", competency="safety"))
    results = compute_mastery(rows, Calculation(CalculationMethod.LATEST), canvas_scale())
    assert {key: r.value for key, r in results.items()} == {
        ("ana", "safety"): 3, ("ana", "tools"): 4, ("ben", "safety"): 2}
    assert results["ana", "safety"].evidence[0].artifact == "artifact-1"


def test_a_competency_can_use_its_own_method():
    rows = evidence_series([4, 1], competency="safety") + evidence_series([4, 1], competency="tools")
    results = compute_mastery(rows, Calculation(CalculationMethod.LATEST), canvas_scale(),
                              per_competency={"safety": Calculation(CalculationMethod.HIGHEST)})
    assert results["ana", "safety"].value == 4 and results["ana", "tools"].value == 1


def test_empty_input_gives_no_results():
    assert compute_mastery([], Calculation(CalculationMethod.AVERAGE), canvas_scale()) == {}


def test_500_students_by_150_competencies_from_100k_evidence_gives_every_result():
    """The benchmark's own data set; its time (target 250 ms) is bench/mastery_bench.py's to print."""
    spec = importlib.util.spec_from_file_location("mastery_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.make_evidence()
    calculation = Calculation(CalculationMethod.STANDARD_DECAYING_AVERAGE)
    results = compute_mastery(rows, calculation, canvas_scale())
    assert len(results) == 75_000
    assert all(result.evidence for result in results.values())
