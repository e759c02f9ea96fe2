"""The shape of the house: which way imports point, and that they never go round in a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator, Mapping
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


# --- The shell's own directions, over every import a module makes (module level or inside a
# function: a function-level import is a dependency all the same, only a later one).

AUDIENCES = ("teacher", "student", "admin", "employer", "coordinator", "landing")
ENTRY_POINTS = ("lti_tool.wsgi", "lti_tool.cli")
"""The only modules of the package that may build the app (import the composition root)."""


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path, package: str) -> dict[str, Path]:
    return {_module_name(root, path): path for path in (root / package).rglob("*.py")}


def _import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Each module of ``package`` → the package's modules it imports, wherever the import is."""
    modules = _modules(root, package)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(filter(None, (resolve(alias.name) for alias in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name if path.name == "__init__.py" else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    # ``from pkg import module`` imports the module; ``from pkg import name``, pkg.
                    target = resolve(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
                    if target:
                        targets.add(target)
        targets.discard(name)
        graph[name] = targets
    return graph


def _cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _importers_of_the_app(graph: Mapping[str, set[str]]) -> list[str]:
    return sorted(
        module for module, targets in graph.items()
        if "lti_tool.app" in targets and not any(_within(module, e) for e in ENTRY_POINTS)
    )


def _lti_reaching_audiences(graph: Mapping[str, set[str]]) -> dict[str, list[str]]:
    audiences = [f"lti_tool.{name}" for name in AUDIENCES]
    found = {
        module: sorted(t for t in targets if any(_within(t, a) for a in audiences))
        for module, targets in graph.items() if _within(module, "lti_tool.lti")
    }
    return {module: targets for module, targets in found.items() if targets}


def test_nothing_in_the_shell_imports_the_composition_root() -> None:
    """``lti_tool.app`` only builds the app; its config accessor lives in ``lti_tool.config``."""
    assert _importers_of_the_app(_import_graph(ROOT, "lti_tool")) == []


def test_the_lti_layer_never_imports_an_audiences_pages() -> None:
    """The LTI layer returns a typed launch; the audiences' blueprints decide what to render."""
    assert _lti_reaching_audiences(_import_graph(ROOT, "lti_tool")) == {}


def test_the_shell_has_no_import_cycle() -> None:
    assert _cycle(_import_graph(ROOT, "lti_tool")) is None


def _plant(root: Path, files: Mapping[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_cycle_check_catches_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "lti_tool/__init__.py": "",
        "lti_tool/security.py": "def principal():\n    from lti_tool.app import app_config\n",
        "lti_tool/app.py": "from lti_tool import security\n",
        "lti_tool/web.py": "from . import security\n",
    })
    graph = _import_graph(tmp_path, "lti_tool")
    assert graph["lti_tool.web"] == {"lti_tool.security"}
    assert _cycle(graph) == ["lti_tool.app", "lti_tool.security", "lti_tool.app"]


def test_the_direction_checks_catch_planted_imports(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "lti_tool/__init__.py": "",
        "lti_tool/app.py": "",
        "lti_tool/wsgi.py": "from lti_tool.app import create_app\n",
        "lti_tool/config.py": "def config():\n    import lti_tool.app\n",
        "lti_tool/teacher/__init__.py": "",
        "lti_tool/teacher/views.py": "",
        "lti_tool/landing.py": "",
        "lti_tool/lti/__init__.py": "",
        "lti_tool/lti/views.py": "def land():\n    from lti_tool.teacher.views import home\n",
        "lti_tool/lti/oidc.py": "from ..landing import render_landing\n",
    })
    graph = _import_graph(tmp_path, "lti_tool")
    assert _importers_of_the_app(graph) == ["lti_tool.config"]
    assert _lti_reaching_audiences(graph) == {
        "lti_tool.lti.views": ["lti_tool.teacher.views"], "lti_tool.lti.oidc": ["lti_tool.landing"]}


def _production_modules() -> Iterator[Path]:
    for path in (ROOT / "lti_tool").rglob("*.py"):
        if path.relative_to(ROOT / "lti_tool").parts[0] != "sandbox":
            yield path


def test_production_code_never_imports_the_sandbox_platform_library() -> None:
    """``lti1p3platform`` is the sandbox LMS's (an extra): production never loads it."""
    offenders = [str(p.relative_to(ROOT)) for p in _production_modules() if "lti1p3platform" in _imports(p)]
    assert offenders == []


def test_a_production_app_loads_neither_the_sandbox_nor_its_platform_library(tmp_path: Path) -> None:
    program = (
        "import sys\n"
        "from lti_tool.app import create_app\n"
        "from lti_tool.config import Config\n"
        "create_app(Config.from_env())\n"
        "print(sorted(m for m in sys.modules if m.startswith(('lti1p3platform', 'lti_tool.sandbox'))))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "x" * 40,
           "WORKLINK_BASE_URL": "https://worklink.example",
           "WORKLINK_DATABASE_URL": f"sqlite:///{tmp_path / 'worklink.db'}",
           "WORKLINK_INSTANCE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
