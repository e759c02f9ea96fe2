"""The things the benchmark measures, and how each is prepared before gunicorn starts.

(a) pylti1p3 with the platform JWKS by URL, (b) pylti1p3 with the JWKS inline, (c) the floor: two
trivial Flask requests, (d) Worklink itself (``lti_tool.wsgi:app`` in production mode), (e) Worklink
at another commit, (f) the required floor, (g) Worklink landing on (f)'s page.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.orm import Session

from bench.browsers import HttpBrowser
from bench.databases import NotABenchDatabase, recreate_postgres
from bench.load import Launcher
from bench.platform_simulator import (
    LaunchOutcome,
    PlatformSimulator,
    SimulatedUser,
    ToolEndpoints,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/13"


class TargetUnavailable(Exception):
    """The target cannot be measured in this checkout; the message says why."""


@dataclasses.dataclass
class Target:
    key: str
    name: str
    label: str
    app_spec: str
    env: dict[str, str]
    launcher: Callable[[str], Launcher]
    """Given the server's base URL, the function that performs one launch against it."""
    postgres_url: str | None = None
    """Set when the target's database is PostgreSQL: its backends' CPU is measured too."""
    redis_url: str | None = None
    """Set when the target uses Redis: the Redis server's CPU is measured too."""
    code_dir: Path = REPO
    """Where gunicorn runs and imports the app from (another commit's worktree for --against)."""
    gunicorn_config: str | None = None
    """The gunicorn ``--config`` production's hooks come from, where the checkout has one."""


def server_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without any WORKLINK_* setting, plus the target's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKLINK_", "BENCH_"))}
    env.update(extra)
    return env


def lti_launcher(simulator: PlatformSimulator) -> Callable[[str], Launcher]:
    def for_server(base_url: str) -> Launcher:
        tool = ToolEndpoints(login_url=f"{base_url}/lti/login",
                             target_link_uri=f"{base_url}/lti/launch")
        return lambda http, user: simulator.launch(http, tool, user)

    return for_server


def floor_launcher(simulator: PlatformSimulator) -> Callable[[str], Launcher]:
    """Two requests shaped like a launch's (same query, an id_token-sized form), nothing else."""

    sample = SimulatedUser("floor", "Flo", "Or", "Learner", "c", "l")
    token = simulator.id_token(sample, "n" * 32, "http://127.0.0.1/b")

    def for_server(base_url: str) -> Launcher:
        def launch(browser: HttpBrowser, user: SimulatedUser) -> LaunchOutcome:
            started = time.perf_counter()
            try:
                first = browser.get(f"{base_url}/a", simulator.login_params(user, f"{base_url}/b"))
                second = browser.post(f"{base_url}/b", {"id_token": token, "state": "s"})
            except requests.RequestException as exc:
                return LaunchOutcome(False, time.perf_counter() - started, str(exc))
            if first.status_code != 200 or second.status_code != 200:
                return LaunchOutcome(False, time.perf_counter() - started,
                                     f"floor answered {first.status_code}/{second.status_code}")
            return LaunchOutcome(True, time.perf_counter() - started)

        return launch

    return for_server


def pylti1p3_target(key: str, simulator: PlatformSimulator, workdir: Path, *,
                    inline: bool) -> Target:
    name = "pylti1p3-inline" if inline else "pylti1p3-url"
    tool_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = {
        "issuer": simulator.issuer,
        "client_id": simulator.client_id,
        "auth_login_url": simulator.auth_login_url,
        "auth_token_url": simulator.auth_token_url,
        "deployment_ids": [simulator.deployment_id],
        "private_key_pem": tool_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode(),
        "secret_key": os.urandom(24).hex(),
    }
    if inline:
        settings["key_set"] = simulator.jwks
    else:
        settings["key_set_url"] = simulator.jwks_url(name)
    config_path = workdir / f"{name}.json"
    config_path.write_text(json.dumps(settings))
    label = ("pylti1p3, JWKS pasted inline" if inline
             else "pylti1p3, JWKS by URL (fetched every launch)")
    return Target(key, name, label, "bench.baseline_pylti1p3:create_app()",
                  server_env({"BENCH_BASELINE_CONFIG": str(config_path)}),
                  lti_launcher(simulator))


def floor_target(key: str, simulator: PlatformSimulator) -> Target:
    return Target(key, "floor", "floor: two trivial Flask requests", "bench.floor:app",
                  server_env({}), floor_launcher(simulator))


def required_floor_target(key: str, simulator: PlatformSimulator, workdir: Path) -> Target:
    """The floor plus only the work every launch must do (see bench/required_floor.py)."""
    settings = {
        "issuer": simulator.issuer, "client_id": simulator.client_id,
        "auth_login_url": simulator.auth_login_url, "jwks": simulator.jwks,
        "database": str(workdir / "required-floor.db"),
    }
    config_path = workdir / "required-floor.json"
    config_path.write_text(json.dumps(settings))
    return Target(key, "required-floor", "floor + required work (state, RS256, page)",
                  "bench.required_floor:create_app()",
                  server_env({"BENCH_REQUIRED_CONFIG": str(config_path)}), lti_launcher(simulator))


def worklink_target(key: str, simulator: PlatformSimulator, workdir: Path, *, port: int,
                    db: str, postgres_url: str, redis: bool, code_dir: Path = REPO,
                    name: str = "worklink", label_prefix: str = "Worklink",
                    app_spec: str = "lti_tool.wsgi:app") -> Target:
    """Worklink on a fresh database with the simulator registered; raises TargetUnavailable."""
    if not (code_dir / "lti_tool" / "wsgi.py").exists():
        raise TargetUnavailable("lti_tool/wsgi.py is missing")
    if db == "postgresql" and name != "worklink":
        postgres_url = postgres_url + "_" + name.replace("-", "_")
    database_url = (fresh_postgres(postgres_url) if db == "postgresql"
                    else f"sqlite:///{workdir / f'{name}-bench.db'}")
    env = {
        "WORKLINK_MODE": "production",
        "WORKLINK_SECRET_KEY": os.urandom(32).hex(),
        "WORKLINK_BASE_URL": f"http://127.0.0.1:{port}",
        "WORKLINK_DATABASE_URL": database_url,
        "WORKLINK_INSTANCE_DIR": str(workdir / f"{name}-instance"),
        # The platform simulator's keys are on 127.0.0.1, which production reaches only when
        # told to explicitly.
        "WORKLINK_OUTBOUND_ALLOW": "127.0.0.1",
    }
    if redis:
        env["WORKLINK_REDIS_URL"] = BENCH_REDIS_URL
    prepare_worklink_database(simulator, database_url, name=name, code_dir=code_dir)
    missing = missing_launch_routes(env)
    if missing:
        raise TargetUnavailable(
            f"Worklink has no {' and '.join(missing)} route yet: the lead's launch path has not "
            "landed in this checkout (watch `git log --oneline`); (a), (b) and (c) are still valid"
        )
    label = f"{label_prefix} ({'PostgreSQL' if db == 'postgresql' else 'SQLite'}"
    label += ", Redis)" if redis else ")"
    return Target(key, name, label, app_spec, server_env(env),
                  lti_launcher(simulator),
                  postgres_url=database_url if db == "postgresql" else None,
                  redis_url=BENCH_REDIS_URL if redis else None, code_dir=code_dir,
                  gunicorn_config=_hooks_of(code_dir))


def _hooks_of(code_dir: Path) -> str | None:
    # Older commits froze their heap on import of wsgi.py and have no hooks module.
    return ("python:lti_tool.server_hooks"
            if (code_dir / "lti_tool" / "server_hooks.py").exists() else None)


def fresh_postgres(url: str) -> str:
    """Drop and recreate the benchmark's own database (never a shared or test one)."""
    try:
        return recreate_postgres(url)
    except NotABenchDatabase as exc:
        raise TargetUnavailable(str(exc)) from None


def prepare_worklink_database(simulator: PlatformSimulator, database_url: str, *,
                              name: str = "worklink", code_dir: Path = REPO) -> None:
    """Migrate, then register the simulator the way an admin would (JWKS by URL)."""
    from lti_tool import migrate
    from lti_tool.db import make_engine
    from lti_tool.lti.registrations import add_registration

    if code_dir != REPO:
        # Another commit's schema comes from that commit's own migrations.
        subprocess.run([sys.executable, "-c", "import sys; from lti_tool import migrate; "
                        "from lti_tool.db import make_engine; "
                        "migrate.upgrade(make_engine(sys.argv[1]))", database_url],
                       cwd=code_dir, check=True)
    engine = make_engine(database_url)
    try:
        if code_dir == REPO:
            migrate.upgrade(engine)
        with Session(engine) as session:
            add_registration(
                session, name="Bench LMS", issuer=simulator.issuer, client_id=simulator.client_id,
                auth_login_url=simulator.auth_login_url, auth_token_url=simulator.auth_token_url,
                key_set_url=simulator.jwks_url(name),
                deployment_ids=[simulator.deployment_id],
            )
            session.commit()
    finally:
        engine.dispose()


def missing_launch_routes(env: Mapping[str, str]) -> list[str]:
    """Which of /lti/login and /lti/launch the Worklink app lacks (built here, not served)."""
    from lti_tool.app import create_app
    from lti_tool.config import Config

    app = create_app(Config.from_env({**env}))
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    return [route for route in ("/lti/login", "/lti/launch") if route not in rules]
