"""Where a Worklink launch spends CPU: cProfile around the WSGI app only, in one process, no HTTP.

    .venv/bin/python -m bench.profile_launch [--launches 400] [--db sqlite|postgresql] [--redis]

The simulator drives Flask's test client (one cookie jar per user, a new one every 8 launches,
like the benchmark); only time inside ``app.wsgi_app`` is profiled, so token signing and the
test client are left out. Prints CPU per launch, the share per library, and the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browsers import Answer
from bench.platform_simulator import PlatformSimulator, ToolEndpoints, simulated_users
from bench.targets import (
    BENCH_REDIS_URL,
    DEFAULT_POSTGRES_URL,
    REPO,
    fresh_postgres,
    prepare_worklink_database,
)

BASE_URL = "http://127.0.0.1:5999"
LIBRARIES = ("lti_tool", "competencies", "sqlalchemy", "jwt", "cryptography", "flask", "werkzeug",
             "jinja2", "markupsafe", "itsdangerous", "psycopg", "sqlite3", "redis", "json", "http")


class TestClientBrowser:
    """The HttpBrowser interface over Flask's test client (which keeps the cookies)."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, url: str, params: Mapping[str, str]) -> Answer:
        return self._answer(self.client.get(url, query_string=dict(params)))

    def post(self, url: str, data: Mapping[str, str]) -> Answer:
        return self._answer(self.client.post(url, data=dict(data)))

    @staticmethod
    def _answer(response: Any) -> Answer:
        return Answer(response.status_code, response.headers.get("Location"),
                      response.get_data(as_text=True))

    def close(self) -> None:
        pass


class ProfiledApp:
    """WSGI middleware that profiles only the app's own work."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]],
                 profiler: cProfile.Profile) -> None:
        self.wsgi_app = wsgi_app
        self.profiler = profiler
        self.enabled = False
        self.profiling = True
        self.cpu_seconds = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if not self.enabled:
            return list(self.wsgi_app(environ, start_response))
        started = time.process_time()
        if self.profiling:
            self.profiler.enable()
        try:
            return list(self.wsgi_app(environ, start_response))  # consume the body inside
        finally:
            if self.profiling:
                self.profiler.disable()
            self.cpu_seconds += time.process_time() - started


def library_of(filename: str, name: str) -> str:
    parts = Path(filename).parts
    for library in LIBRARIES:
        if library in parts or f"{library}.py" in parts:
            return library
    if filename.startswith("<") or filename == "~":
        # C functions carry no file; the name says whose they are ("... of 'sqlite3.Cursor'").
        for library in LIBRARIES:
            if f"'{library}." in name or f"{library}_rust" in name or f"{library}." in name:
                return f"{library} (C)"
        return "builtins (C)"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true",
                        help="only time the app (process CPU), without cProfile's inflation")
    parser.add_argument("--dump", type=Path, help="also write the raw profile here (pstats)")
    args = parser.parse_args(argv)

    workdir = REPO / "bench" / "out" / f"profile-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    workdir.mkdir(parents=True, exist_ok=True)
    with PlatformSimulator() as simulator:
        database_url = (fresh_postgres(DEFAULT_POSTGRES_URL) if args.db == "postgresql"
                        else f"sqlite:///{workdir / 'worklink.db'}")
        prepare_worklink_database(simulator, database_url)
        env = {"MODE": "production", "SECRET_KEY": os.urandom(32).hex(), "BASE_URL": BASE_URL,
               "DATABASE_URL": database_url, "INSTANCE_DIR": str(workdir),
               "OUTBOUND_ALLOW": "127.0.0.1"}  # the simulator platform is on loopback
        if args.redis:
            env["REDIS_URL"] = BENCH_REDIS_URL
        from lti_tool.app import create_app
        from lti_tool.config import Config

        app = create_app(Config.from_env({f"WORKLINK_{k}": v for k, v in env.items()}))
        profiler = cProfile.Profile()
        profiled = ProfiledApp(app.wsgi_app, profiler)
        profiled.profiling = not args.no_profile
        app.wsgi_app = profiled  # type: ignore[method-assign]
        tool = ToolEndpoints(f"{BASE_URL}/lti/login", f"{BASE_URL}/lti/launch")
        users = simulated_users(200)
        browsers: dict[str, TestClientBrowser] = {}
        launches: defaultdict[str, int] = defaultdict(int)

        def launch(n: int) -> None:
            user = users[n % len(users)]
            if launches[user.sub] % 8 == 0:
                browsers[user.sub] = TestClientBrowser(app)
            launches[user.sub] += 1
            outcome = simulator.launch(browsers[user.sub], tool, user)
            if not outcome.ok:
                raise SystemExit(f"launch failed: {outcome.problem}")

        if urlsplit(BASE_URL).hostname != "127.0.0.1":
            raise SystemExit("BASE_URL must be local")
        for n in range(args.warmup):
            launch(n)
        profiled.enabled = True
        for n in range(args.warmup, args.warmup + args.launches):
            launch(n)
        fetches = simulator.jwks_fetches("worklink")

    print(f"Worklink ({args.db}{', Redis' if args.redis else ''}), {args.launches} launches "
          f"profiled after {args.warmup}: {1000 * profiled.cpu_seconds / args.launches:.2f} ms "
          f"CPU per launch under cProfile (inflated by the profiler; compare shares), "
          f"JWKS fetches in all: {fetches}")
    if args.no_profile:
        return 0
    stats = pstats.Stats(profiler)
    if args.dump:
        stats.dump_stats(args.dump)
    by_library: defaultdict[str, float] = defaultdict(float)
    total = 0.0
    rows = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in rows:
        by_library[library_of(filename, name)] += tottime
        total += tottime
    print("\nShare of profiled time by where the code lives (own time, not cumulative):")
    for library, seconds in sorted(by_library.items(), key=lambda item: -item[1]):
        print(f"  {library:<22}{100 * seconds / total:5.1f} %")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(f"\nTop {args.top} by {order}:")
        print(out.getvalue().split("\n\n", 2)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
