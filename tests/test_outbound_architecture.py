"""One outbound HTTP client: no module outside ``lti_tool/outbound`` opens a connection itself."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOW_LEVEL = {"urllib.request", "http.client", "urllib3", "httpx", "aiohttp"}
REQUESTS_CALLS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "Session"}


def _opens_http(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in LOW_LEVEL]
        elif isinstance(node, ast.ImportFrom) and node.module in LOW_LEVEL:
            found.append(node.module)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "requests"
              and node.func.attr in REQUESTS_CALLS):
            found.append(f"requests.{node.func.attr}()")
    return found


def _sources() -> list[Path]:
    outbound = ROOT / "lti_tool" / "outbound"
    return [p for top in ("lti_tool", "competencies") for p in (ROOT / top).rglob("*.py")
            if outbound not in p.parents]


def test_only_the_outbound_client_opens_http_connections() -> None:
    offenders = {str(p.relative_to(ROOT)): _opens_http(p) for p in _sources()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_rule_itself_catches_a_direct_fetch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import urllib.request\nimport requests\nrequests.get('https://x')\n"
                   "from http.client import HTTPSConnection\n")
    assert sorted(_opens_http(bad)) == ["http.client", "requests.get()", "urllib.request"]
