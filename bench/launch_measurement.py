"""Measuring one launch-benchmark target: start it, run timed slices of launches against it,
and add up what they cost (server, database and Redis CPU, latencies, JWKS fetches).

The entry point (bench/launch_bench.py) interleaves the slices of all targets;
bench/launch_report.py prints what they add up to.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from bench.browsers import BROWSERS
from bench.gunicorn_target import GunicornTarget, cpu_between, cpu_snapshot, machine_busy_seconds
from bench.load import BrowserPool, Launcher, LoadResult
from bench.platform_simulator import PlatformSimulator, simulated_users
from bench.targets import Target, TargetUnavailable

NOISY_NEIGHBOURS = 0.10
"""Cores used by other processes while measuring above which a run is flagged as disturbed."""


@dataclasses.dataclass
class Figures:
    key: str
    name: str
    label: str
    launches: int = 0
    per_second: float = 0.0
    cpu_ms: float = math.nan
    """Server CPU per launch: gunicorn master + workers, utime + stime."""
    postgres_cpu_ms: float | None = None
    redis_cpu_ms: float | None = None
    """The Redis server's CPU per launch, when the target uses Redis (it serves only this run)."""
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    jwks_fetches: int = 0
    """Platform JWKS fetches while measured (after the warm-up)."""
    jwks_fetches_total: int = 0
    failures: dict[str, int] = dataclasses.field(default_factory=dict)
    client_cpu_ms: float = math.nan
    other_cores: float = 0.0
    """Cores' worth of CPU other processes on the machine used while this target was measured."""
    unavailable: str = ""

    @property
    def valid(self) -> bool:
        return not self.unavailable and not self.failures and self.launches > 0


def redis_server_pid(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


def postgres_backend_pids(url: str) -> list[int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
            ), {"name": make_url(url).database})
            return [int(row[0]) for row in rows]
    finally:
        engine.dispose()


@dataclasses.dataclass
class Tally:
    """What the measured slices of one target add up to."""

    seconds: float = 0.0
    latencies: list[float] = dataclasses.field(default_factory=list)
    failures: Counter[str] = dataclasses.field(default_factory=Counter)
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    redis_cpu: float = 0.0
    client_cpu: float = 0.0
    other_cpu: float = 0.0
    jwks_fetches: int = 0


@dataclasses.dataclass
class Running:
    target: Target
    server: GunicornTarget
    launcher: Launcher
    pool: BrowserPool
    tally: Tally = dataclasses.field(default_factory=Tally)

    def stop(self) -> None:
        self.server.stop()
        self.pool.close()


def start(target: Target, args: argparse.Namespace, port: int, workdir: Path) -> Running:
    """Start the server, prove one launch works, warm up; raises TargetUnavailable."""
    server = GunicornTarget(target.name, target.app_spec, port=port, env=target.env,
                            cwd=target.code_dir,
                            log_path=workdir / f"{target.name}.log", workers=args.workers,
                            config=target.gunicorn_config)
    users = simulated_users(args.users)
    new_browser = BROWSERS[args.client]
    pool = BrowserPool(users, threads=args.concurrency, new_browser=new_browser,
                       new_browser_every=args.new_browser_every)
    running = Running(target, server, target.launcher(f"http://127.0.0.1:{port}"), pool)
    try:
        server.start()
        probe_browser = new_browser()
        probe = running.launcher(probe_browser, users[0])
        probe_browser.close()
        if not probe.ok:
            raise TargetUnavailable(f"the first launch failed: {probe.problem}")
        pool.run(running.launcher, args.warmup)
    except (TargetUnavailable, RuntimeError) as exc:
        running.stop()
        raise TargetUnavailable(f"{exc}\n   log: {server.log_path}") from exc
    return running


def measure_slice(running: Running, simulator: PlatformSimulator, seconds: float) -> None:
    target, tally = running.target, running.tally
    pg_pids = postgres_backend_pids(target.postgres_url) if target.postgres_url else []
    redis_pids = [redis_server_pid(target.redis_url)] if target.redis_url else []
    redis_before = cpu_snapshot(redis_pids)
    jwks_before = simulator.jwks_fetches(target.name)
    pg_before = cpu_snapshot(pg_pids)
    cpu_before = cpu_snapshot(running.server.pids())
    client_before, machine_before = time.process_time(), machine_busy_seconds()
    result = running.pool.run(running.launcher, seconds)
    client_after, machine_after = time.process_time(), machine_busy_seconds()
    cpu_after = cpu_snapshot(running.server.pids())
    if target.postgres_url:  # backends opened during the slice count from zero
        pg_after = cpu_snapshot(set(pg_pids) | set(postgres_backend_pids(target.postgres_url)))
    else:
        pg_after = {}
    server_cpu, pg_cpu = cpu_between(cpu_before, cpu_after), cpu_between(pg_before, pg_after)
    redis_cpu = cpu_between(redis_before, cpu_snapshot(redis_pids))
    tally.redis_cpu += redis_cpu
    client_cpu = client_after - client_before
    tally.seconds += result.seconds
    tally.latencies += result.latencies
    tally.failures.update(result.failures)
    tally.server_cpu += server_cpu
    tally.postgres_cpu += pg_cpu
    tally.client_cpu += client_cpu
    tally.other_cpu += max(0.0, machine_after - machine_before - server_cpu - pg_cpu - redis_cpu
                           - client_cpu)
    tally.jwks_fetches += simulator.jwks_fetches(target.name) - jwks_before


def figures_of(running: Running, simulator: PlatformSimulator) -> Figures:
    target, tally = running.target, running.tally
    result = LoadResult(tally.seconds, tally.latencies, tally.failures)
    figures = Figures(target.key, target.name, target.label, launches=result.launches,
                      per_second=result.per_second,
                      failures=dict(tally.failures.most_common()),
                      p50_ms=1000 * result.percentile(0.50), p95_ms=1000 * result.percentile(0.95),
                      jwks_fetches=tally.jwks_fetches,
                      jwks_fetches_total=simulator.jwks_fetches(target.name))
    attempts = result.launches + result.failed
    if attempts:
        figures.cpu_ms = 1000 * tally.server_cpu / attempts
        figures.client_cpu_ms = 1000 * tally.client_cpu / attempts
        if target.postgres_url:
            figures.postgres_cpu_ms = 1000 * tally.postgres_cpu / attempts
        if target.redis_url:
            figures.redis_cpu_ms = 1000 * tally.redis_cpu / attempts
    if tally.seconds:
        figures.other_cores = tally.other_cpu / tally.seconds
    return figures


class Patience:
    """Waits, within a total budget, until other processes leave the machine nearly idle."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.waited = 0.0

    def wait_for_quiet(self, sample: float = 0.5) -> None:
        while self.waited < self.budget:
            before = machine_busy_seconds()
            time.sleep(sample)
            self.waited += sample
            if (machine_busy_seconds() - before) / sample <= NOISY_NEIGHBOURS:
                return
