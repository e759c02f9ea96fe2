"""The benchmark reads server CPU from /proc the way it claims to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.gunicorn_target import child_pids, cpu_between, machine_busy_seconds, process_cpu_seconds

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def test_a_process_cpu_time_grows_while_it_works() -> None:
    before = process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass

    after = process_cpu_seconds(os.getpid())

    assert before is not None and after is not None and after - before >= 0.03


def test_a_gone_process_has_no_cpu_time() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()

    assert process_cpu_seconds(child.pid) is None


def test_children_of_a_process_are_found() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in child_pids(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_a_worker_born_between_snapshots_counts_from_zero() -> None:
    """gunicorn may replace a worker mid-run: its whole CPU time belongs to the run."""
    assert cpu_between({1: 2.0, 2: 1.0}, {1: 2.5, 3: 0.25}) == pytest.approx(0.75)


def test_the_machine_busy_counter_only_moves_forward() -> None:
    first = machine_busy_seconds()
    assert machine_busy_seconds() >= first > 0
