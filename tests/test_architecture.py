"""The shape of the house: the domain never reaches into the web or LTI layers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_DOMAIN = {"flask", "werkzeug", "pylti1p3", "jwt", "lti_tool", "lti1p3platform"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_domain_never_imports_web_or_lti_packages() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN_IN_DOMAIN)
        for path in (ROOT / "competencies").rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_pylti1p3_stays_inside_the_lti_subpackage() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "lti_tool").rglob("*.py")
        if "pylti1p3" in _imports(path) and "lti" not in path.relative_to(ROOT / "lti_tool").parts[:1]
    ]
    assert outside == []


def test_the_rule_itself_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport jwt.algorithms\n")
    assert _imports(bad) & FORBIDDEN_IN_DOMAIN == {"flask", "jwt"}
