"""scripts/run installs what the demo needs, scripts/test also the test tools."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _would_install(script: str) -> str:
    env = {**os.environ, "WORKLINK_VENV_DRY_RUN": "1"}
    done = subprocess.run([str(ROOT / "scripts" / script)], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_the_demo_installs_the_sandbox_without_the_test_tools() -> None:
    assert _would_install("run") == "pip install -c constraints.txt -e '.[sandbox]'"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert not any(r.startswith(("pytest", "selenium", "mypy", "ruff")) for r in extras["sandbox"])


def test_the_tests_install_the_test_tools_and_the_sandbox() -> None:
    assert _would_install("test") == "pip install -c constraints.txt -e '.[test,sandbox]'"
