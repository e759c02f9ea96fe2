"""The launch benchmark: Worklink against plain pylti1p3 and a floor, on this machine, in one run.

Run from the repository root::

    .venv/bin/python -m bench.launch_bench                   # SQLite, ~1 minute
    .venv/bin/python -m bench.launch_bench --db postgresql   # Worklink on PostgreSQL (worklink_bench)
    .venv/bin/python -m bench.launch_bench --redis --only a,d --seconds 20

See bench/README.md for what each figure means. Figures drift between runs; compare the ratios
printed at the end, which are measured in one run on one machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from bench.browsers import BROWSERS
from bench.gunicorn_target import (
    GunicornTarget,
    cpu_between,
    cpu_snapshot,
    free_port,
    machine_busy_seconds,
)
from bench.load import BrowserPool, LoadResult
from bench.platform_simulator import PlatformSimulator, simulated_users
from bench.targets import (
    DEFAULT_POSTGRES_URL,
    REPO,
    Target,
    TargetUnavailable,
    floor_target,
    pylti1p3_target,
    worklink_target,
)

# The goals the issue sets for Worklink's launch path.
GOAL_VS_URL_BASELINE = 2.0
GOAL_VS_INLINE_BASELINE = 1.0
GOAL_CPU_VS_FLOOR = 1.5
GOAL_P95_MS = 15.0
GOAL_JWKS_FETCHES = 0
NOISY_NEIGHBOURS = 0.10
"""Cores used by other processes during a measurement above which the run is flagged as disturbed."""


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
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    jwks_fetches: int = 0
    """Platform JWKS fetches while measured (after the warm-up)."""
    jwks_fetches_total: int = 0
    failures: dict[str, int] = dataclasses.field(default_factory=dict)
    client_cpu_ms: float = math.nan
    other_cores: float = 0.0
    """Cores' worth of CPU that other processes on the machine used while this target was measured."""
    unavailable: str = ""

    @property
    def valid(self) -> bool:
        return not self.unavailable and not self.failures and self.launches > 0


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


def measure(target: Target, simulator: PlatformSimulator, args: argparse.Namespace, port: int,
            workdir: Path) -> Figures:
    figures = Figures(target.key, target.name, target.label)
    server = GunicornTarget(target.name, target.app_spec, port=port, env=target.env, cwd=REPO,
                            log_path=workdir / f"{target.name}.log", workers=args.workers)
    users = simulated_users(args.users)
    new_browser = BROWSERS[args.client]
    pool = BrowserPool(users, threads=args.concurrency, new_browser=new_browser,
                       new_browser_every=args.new_browser_every)
    try:
        server.start()
        launcher = target.launcher(server.base_url)
        probe_browser = new_browser()
        probe = launcher(probe_browser, users[0])
        probe_browser.close()
        if not probe.ok:
            figures.unavailable = f"the first launch failed: {probe.problem}"
            return figures
        pool.run(launcher, args.warmup)

        jwks_before = simulator.jwks_fetches(target.name)
        pg_before = cpu_snapshot(postgres_backend_pids(target.postgres_url)) if target.postgres_url else {}
        cpu_before = cpu_snapshot(server.pids())
        client_before, machine_before = time.process_time(), machine_busy_seconds()
        result: LoadResult = pool.run(launcher, args.seconds)
        client_after, machine_after = time.process_time(), machine_busy_seconds()
        cpu_after = cpu_snapshot(server.pids())
        pg_after = cpu_snapshot(postgres_backend_pids(target.postgres_url)) if target.postgres_url else {}
        jwks_after = simulator.jwks_fetches(target.name)
    finally:
        server.stop()
        pool.close()

    attempts = result.launches + result.failed
    figures.launches = result.launches
    figures.per_second = result.per_second
    figures.failures = dict(Counter(result.failures).most_common())
    if attempts:
        figures.cpu_ms = 1000 * cpu_between(cpu_before, cpu_after) / attempts
        figures.client_cpu_ms = 1000 * (client_after - client_before) / attempts
        if target.postgres_url:
            figures.postgres_cpu_ms = 1000 * cpu_between(pg_before, pg_after) / attempts
    accounted = (cpu_between(cpu_before, cpu_after) + cpu_between(pg_before, pg_after)
                 + client_after - client_before)
    figures.other_cores = max(0.0, machine_after - machine_before - accounted) / result.seconds
    figures.p50_ms = 1000 * result.percentile(0.50)
    figures.p95_ms = 1000 * result.percentile(0.95)
    figures.jwks_fetches = jwks_after - jwks_before
    figures.jwks_fetches_total = jwks_after
    return figures


def build_target(key: str, simulator: PlatformSimulator, args: argparse.Namespace, port: int,
                 workdir: Path) -> Target:
    if key == "a":
        return pylti1p3_target(key, simulator, workdir, inline=False)
    if key == "b":
        return pylti1p3_target(key, simulator, workdir, inline=True)
    if key == "c":
        return floor_target(key, simulator)
    return worklink_target(key, simulator, workdir, port=port, db=args.db,
                           postgres_url=args.postgres_url, redis=args.redis)


def report(all_figures: list[Figures], args: argparse.Namespace) -> bool:
    """Print the table and the goal ratios; True when every measured target ran without failures."""
    print()
    print(f"Launches at concurrency {args.concurrency}, {args.seconds:g} s each after a "
          f"{args.warmup:g} s warm-up, gunicorn {args.workers} sync workers, {args.users} users, "
          f"{args.client} client")
    header = (f"{'':3}{'target':<44}{'launch/s':>9}{'CPU/launch':>11}{'PG CPU':>8}"
              f"{'p50':>7}{'p95':>7}{'JWKS':>6}{'fail':>6}")
    print(header)
    print("-" * len(header))
    for f in all_figures:
        if f.unavailable and not f.launches:
            print(f"{f.key + ')':3}{f.label:<44}  not measured: {f.unavailable}")
            continue
        pg = f"{f.postgres_cpu_ms:.2f}" if f.postgres_cpu_ms is not None else "-"
        print(f"{f.key + ')':3}{f.label:<44}{f.per_second:9.1f}{f.cpu_ms:9.2f}ms{pg:>8}"
              f"{f.p50_ms:7.1f}{f.p95_ms:7.1f}{f.jwks_fetches:6d}{sum(f.failures.values()):6d}")
    print("(CPU/launch and PG CPU in ms of CPU per launch; p50/p95 in ms of wall time per full "
          "launch; JWKS = platform key fetches while measured)")
    print("JWKS requests the simulator served per target, warm-up included: "
          + ", ".join(f"{f.name} {f.jwks_fetches_total}" for f in all_figures if not f.unavailable))
    print("client CPU per launch (not counted above): "
          + ", ".join(f"{f.name} {f.client_cpu_ms:.2f} ms" for f in all_figures if f.launches))

    busy = [f for f in all_figures if f.launches and f.other_cores > NOISY_NEIGHBOURS]
    if busy:
        print("WARNING: other processes used CPU while measuring ("
              + ", ".join(f"{f.name} {f.other_cores:.2f} cores" for f in busy)
              + "): launches/s and latencies are disturbed; CPU per launch is not")

    all_valid = True
    for f in all_figures:
        if f.failures:
            all_valid = False
            print(f"\nINVALID: {f.name} had {sum(f.failures.values())} failed launches:")
            for problem, count in list(f.failures.items())[:5]:
                print(f"  {count:6d} x {problem}")
        elif f.unavailable:
            print(f"\n{f.name} not measured: {f.unavailable}")

    by_key = {f.key: f for f in all_figures if f.valid}
    worklink = by_key.get("d")
    print("\nGoals for Worklink (d):")
    if worklink is None:
        print("  not measured: no ratios")
        return all_valid

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    if "a" in by_key:
        ratio = worklink.per_second / by_key["a"].per_second
        print(f"  launches/s vs (a) pylti1p3 JWKS by URL: {ratio:5.2f}x  (goal >= "
              f"{GOAL_VS_URL_BASELINE:g}x) {verdict(ratio >= GOAL_VS_URL_BASELINE)}")
    if "b" in by_key:
        ratio = worklink.per_second / by_key["b"].per_second
        print(f"  launches/s vs (b) pylti1p3 JWKS inline: {ratio:5.2f}x  (goal >= "
              f"{GOAL_VS_INLINE_BASELINE:g}x) {verdict(ratio >= GOAL_VS_INLINE_BASELINE)}")
    if "c" in by_key:
        ratio = worklink.cpu_ms / by_key["c"].cpu_ms
        print(f"  CPU per launch vs (c) floor:            {ratio:5.2f}x  (goal <= "
              f"{GOAL_CPU_VS_FLOOR:g}x) {verdict(ratio <= GOAL_CPU_VS_FLOOR)}")
        if worklink.postgres_cpu_ms is not None:
            with_pg = (worklink.cpu_ms + worklink.postgres_cpu_ms) / by_key["c"].cpu_ms
            print(f"    the same with PostgreSQL's backend CPU added: {with_pg:5.2f}x")
    print(f"  p95 of a full launch:                   {worklink.p95_ms:5.1f} ms (goal <= "
          f"{GOAL_P95_MS:g} ms) {verdict(worklink.p95_ms <= GOAL_P95_MS)}")
    print(f"  platform JWKS fetches while measured:   {worklink.jwks_fetches:5d}    (goal "
          f"{GOAL_JWKS_FETCHES}) {verdict(worklink.jwks_fetches <= GOAL_JWKS_FETCHES)}")
    return all_valid


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured launches first")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=200, help="simulated users (cookie jars)")
    parser.add_argument("--client", choices=sorted(BROWSERS), default="requests",
                        help="the simulated browser: requests.Session, or a lean http.client one")
    parser.add_argument("--new-browser-every", type=int, default=8,
                        help="launches before a user's cookie jar is thrown away")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                        help="Worklink's database: a fresh SQLite file or a fresh PostgreSQL one")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="with --db postgresql: the database to drop and recreate")
    parser.add_argument("--redis", action="store_true",
                        help="give Worklink WORKLINK_REDIS_URL=redis://127.0.0.1:6379/13")
    parser.add_argument("--only", default="a,b,c,d",
                        help="targets to run, e.g. a,d (a: pylti1p3 URL, b: inline, c: floor, "
                             "d: Worklink)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.only = [key.strip() for key in args.only.split(",") if key.strip()]
    if unknown := set(args.only) - {"a", "b", "c", "d"}:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    workdir = REPO / "bench" / "out" / f"run-{stamp}"
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"logs and databases in {workdir.relative_to(REPO)}")
    all_figures = []
    with PlatformSimulator() as simulator:
        for key in args.only:
            port = free_port()
            try:
                target = build_target(key, simulator, args, port, workdir)
            except TargetUnavailable as exc:
                print(f"{key}) not measured: {exc}", flush=True)
                all_figures.append(Figures(key, "worklink", "Worklink", unavailable=str(exc)))
                continue
            print(f"{key}) {target.label}: measuring…", flush=True)
            try:
                figures = measure(target, simulator, args, port, workdir)
            except RuntimeError as exc:  # gunicorn would not start: its log says why
                figures = Figures(key, target.name, target.label, unavailable=str(exc))
            if figures.unavailable:
                print(f"   {figures.unavailable}\n   log: {workdir / (target.name + '.log')}",
                      flush=True)
            all_figures.append(figures)
    valid = report(all_figures, args)
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(f) for f in all_figures], indent=2))
    if not valid:
        print("\nThe run had failed launches: its figures are not a valid measurement.")
    return 0 if valid and all(not f.unavailable for f in all_figures) else 1


if __name__ == "__main__":
    sys.exit(main())
