"""The production files hang together: compose parses, gunicorn's config loads, no baked secret."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CONFIG_SOURCE = DEPLOY.parent / "lti_tool" / "config.py"


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_imports_with_sync_workers_on_port_8000(
        monkeypatch: pytest.MonkeyPatch) -> None:
    conf = gunicorn_config(monkeypatch)

    assert conf.bind == "0.0.0.0:8000" and conf.worker_class == "sync"
    assert isinstance(conf.workers, int) and conf.workers >= 2
    assert conf.forwarded_allow_ips == "127.0.0.1"  # trust proxy headers only when told to


def test_gunicorn_config_takes_its_sizes_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    conf = gunicorn_config(monkeypatch, GUNICORN_WORKERS="7", FORWARDED_ALLOW_IPS="*")

    assert (conf.workers, conf.forwarded_allow_ips) == (7, "*")


def test_dockerfile_runs_gunicorn_as_a_non_root_user_without_secrets() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]

    assert any(line.startswith("FROM python:3.11-slim") for line in instructions)
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "lti_tool.wsgi:app" in instructions[-1]
    # The pinned versions CI tested, and no sandbox extra in production.
    assert "pip install -c constraints.txt ." in dockerfile
    assert "!constraints.txt" in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    secretish = re.compile(r"(SECRET|PASSWORD|TOKEN|PRIVATE|DATABASE_URL|API_KEY)", re.I)
    assert [line for line in instructions
            if line.startswith(("ENV", "ARG", "LABEL")) and secretish.search(line)] == []


def test_env_example_names_only_settings_worklink_or_compose_reads() -> None:
    names = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    compose = (DEPLOY / "compose.yaml").read_text()
    config = CONFIG_SOURCE.read_text()

    unknown = [
        name for name in names
        if not (name.startswith("WORKLINK_") and f'"{name.removeprefix("WORKLINK_")}"' in config)
        and f"${{{name}" not in compose and not name.startswith("GUNICORN_")
    ]
    assert unknown == []
    assert "WORKLINK_SECRET_KEY=change-me" in (DEPLOY / "env.example").read_text()


def test_caddy_forwards_to_the_port_gunicorn_binds(monkeypatch: pytest.MonkeyPatch) -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    port = gunicorn_config(monkeypatch).bind.rsplit(":", 1)[1]

    assert f"reverse_proxy app:{port}" in caddyfile
    assert "X-Frame-Options" not in caddyfile.replace("No X-Frame-Options", "")


def test_compose_describes_app_worker_database_redis_and_proxy() -> None:
    import yaml  # a test dependency (pyproject's "test" extra), not a run-time one

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert {"app", "worker", "db", "redis", "proxy", "migrate"} <= set(services)
    assert services["app"]["image"] == services["worker"]["image"] == services["migrate"]["image"]
    assert services["migrate"]["command"] == ["worklink", "db", "upgrade"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "ports" not in services["app"]  # only the proxy is reachable from outside


def test_the_gunicorn_entry_point_builds_the_app_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"MODE": "production", "SECRET_KEY": "s" * 40,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
                        "BASE_URL": "https://worklink.test", "INSTANCE_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(f"WORKLINK_{name}", value)
    monkeypatch.delitem(sys.modules, "lti_tool.wsgi", raising=False)

    wsgi = importlib.import_module("lti_tool.wsgi")

    assert wsgi.app.extensions["worklink.config"].is_production
    assert wsgi.app.config["SECRET_KEY"] == "s" * 40
    monkeypatch.delitem(sys.modules, "lti_tool.wsgi")


def test_caddy_never_overrides_the_apps_own_security_headers() -> None:
    """The app says Referrer-Policy: no-referrer; a proxy that set its own replaced it."""
    header_block = re.search(r"header \{(.*?)\}", (DEPLOY / "Caddyfile").read_text(), re.S)
    assert header_block is not None
    settings = [line.strip() for line in header_block.group(1).splitlines()
                if line.strip() and not line.strip().startswith(("#", "-"))]
    assert settings and all(line.startswith("?") for line in settings)  # defaults only
    assert '?Referrer-Policy "no-referrer"' in settings


def test_the_access_log_names_paths_without_their_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dynamic Registration's registration_token and login hints arrive in the query string."""
    fmt = gunicorn_config(monkeypatch).access_log_format
    assert "%(U)s" in fmt
    assert not {"%(r)s", "%(q)s", "%({raw_uri}e)s"} & set(re.findall(r"%\([^)]*\)s", fmt))


def test_gunicorn_config_freezes_each_workers_startup_heap(monkeypatch: pytest.MonkeyPatch) -> None:
    from lti_tool import server_hooks

    assert gunicorn_config(monkeypatch).post_worker_init is server_hooks.post_worker_init


def test_the_worker_hook_freezes_the_heap_and_importing_the_app_does_not(
        tmp_path: Path) -> None:
    # In a fresh interpreter: freezing is for the life of a process, never the test runner's.
    env = {**os.environ, "WORKLINK_MODE": "test", "WORKLINK_SECRET_KEY": "s" * 64,
           "WORKLINK_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "WORKLINK_INSTANCE_DIR": str(tmp_path)}
    script = ("import gc, lti_tool.wsgi; imported = gc.get_freeze_count(); "
              "from lti_tool.server_hooks import post_worker_init; post_worker_init(None); "
              "print(imported, gc.get_freeze_count())")
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=DEPLOY.parent,
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()

    imported, after_hook = int(out[0]), int(out[1])
    assert imported == 0
    assert after_hook > 1000
