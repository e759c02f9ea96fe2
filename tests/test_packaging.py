"""What pyproject.toml declares: every package the code imports, and a pinned version of each."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
OWN = {"lti_tool", "competencies", "tests", "bench"}


def _project() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"": project["dependencies"], **project["optional-dependencies"]}
    return {group: [Requirement(line) for line in lines] for group, lines in groups.items()}


def _declared(*groups: str) -> set[str]:
    project = _project()
    return {canonicalize_name(r.name) for group in ("", *groups) for r in project[group]}


def _imported_distributions(paths: Iterable[Path]) -> dict[str, set[str]]:
    """Each distribution the files import (wherever the import is) → the files' names."""
    by_module = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in OWN or top == "__future__":
                    continue
                for distribution in by_module.get(top, [f"<no installed distribution: {top}>"]):
                    found.setdefault(canonicalize_name(distribution), set()).add(path.name)
    return found


def _undeclared(paths: Iterable[Path], declared: set[str]) -> dict[str, list[str]]:
    imported = _imported_distributions(paths)
    return {name: sorted(files)[:3] for name, files in imported.items() if name not in declared}


def _files(*folders: str, excluding: str | None = None) -> list[Path]:
    return [path for folder in folders for path in (ROOT / folder).rglob("*.py")
            if excluding is None or excluding not in path.relative_to(ROOT).parts]


def test_production_code_imports_only_declared_dependencies() -> None:
    production = _files("lti_tool", "competencies", excluding="sandbox")
    assert _undeclared(production, _declared()) == {}


def test_the_sandbox_imports_only_its_extra_besides_the_dependencies() -> None:
    assert _undeclared(_files("lti_tool/sandbox"), _declared("sandbox")) == {}


def test_tests_and_benchmarks_import_only_declared_packages() -> None:
    assert _undeclared(_files("tests", "bench"), _declared("sandbox", "test")) == {}


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    module = tmp_path / "fetch.py"
    module.write_text("def get():\n    import requests.adapters\n    from flask import Flask\n")
    undeclared = _imported_distributions([module]).keys() - {"flask"}
    assert undeclared == {"requests"}


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        # A pin may hold for some Pythons only (``av==19.0.2 ; python_version >= "3.12"``).
        line = line.partition("#")[0].partition(";")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_every_declared_package_is_pinned_in_the_constraints_file() -> None:
    """``constraints.txt`` pins what CI, scripts/_venv.sh and the image install (README: Developing)."""
    pins = _pins()
    unpinned = sorted(
        str(requirement) for requirements in _project().values() for requirement in requirements
        if canonicalize_name(requirement.name) not in pins
        or not requirement.specifier.contains(pins[canonicalize_name(requirement.name)], prereleases=True)
    )
    assert unpinned == []
