"""The launch benchmark: Worklink against plain pylti1p3 and a floor, on this machine, in one run.

Run from the repository root::

    .venv/bin/python -m bench.launch_bench                   # SQLite, ~1 minute
    .venv/bin/python -m bench.launch_bench --db postgresql   # Worklink on PostgreSQL
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
import subprocess
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
from bench.load import BrowserPool, Launcher, LoadResult
from bench.platform_simulator import PlatformSimulator, simulated_users
from bench.targets import (
    DEFAULT_POSTGRES_URL,
    REPO,
    Target,
    TargetUnavailable,
    floor_target,
    pylti1p3_target,
    required_floor_target,
    worklink_target,
)

NAMES = {"a": "pylti1p3-url", "b": "pylti1p3-inline", "c": "floor", "d": "worklink",
         "e": "worklink-then", "f": "required-floor"}
LABELS = {"a": "pylti1p3, JWKS by URL", "b": "pylti1p3, JWKS inline", "c": "floor", "d": "Worklink",
          "e": "Worklink at --against", "f": "floor + required work"}

# The goals the issue sets for Worklink's launch path.
GOAL_VS_URL_BASELINE = 2.0
GOAL_VS_INLINE_BASELINE = 1.0
GOAL_CPU_VS_FLOOR = 1.5
GOAL_P95_MS = 15.0
GOAL_JWKS_FETCHES = 0
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


def build_target(key: str, simulator: PlatformSimulator, args: argparse.Namespace, port: int,
                 workdir: Path) -> Target:
    if key == "a":
        return pylti1p3_target(key, simulator, workdir, inline=False)
    if key == "b":
        return pylti1p3_target(key, simulator, workdir, inline=True)
    if key == "c":
        return floor_target(key, simulator)
    if key == "f":
        return required_floor_target(key, simulator, workdir)
    if key == "e":
        return worklink_target(key, simulator, workdir, port=port, db=args.db,
                               postgres_url=args.postgres_url, redis=args.redis,
                               code_dir=checkout(args.against, workdir), name=NAMES["e"],
                               label_prefix=f"Worklink at {args.against}")
    return worklink_target(key, simulator, workdir, port=port, db=args.db,
                           postgres_url=args.postgres_url, redis=args.redis)


def checkout(ref: str, workdir: Path) -> Path:
    """A detached worktree of ``ref`` for target (e), removed again by :func:`main`."""
    path = workdir / "against"
    done = subprocess.run(["git", "worktree", "add", "--detach", str(path), ref], cwd=REPO,
                          capture_output=True, text=True)
    if done.returncode:
        raise TargetUnavailable(f"git worktree add {ref} failed: {done.stderr.strip()}")
    return path


def remove_checkout(workdir: Path) -> None:
    if (workdir / "against").exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(workdir / "against")],
                       cwd=REPO, capture_output=True)


def report(all_figures: list[Figures], args: argparse.Namespace) -> bool:
    """Print the table and the goal ratios; True when every measured target ran without failures."""
    print()
    print(f"Launches at concurrency {args.concurrency}, {args.seconds:g} s each in {args.rounds} "
          f"interleaved slices after a "
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
              + "): launches/s and latencies are disturbed, and CPU per launch rises too (seen: "
              "+20 % to 2x), so only ratios within this run compare")

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
        backends = [(name, ms) for name, ms in (("PostgreSQL", worklink.postgres_cpu_ms),
                                                 ("Redis", worklink.redis_cpu_ms)) if ms is not None]
        if backends:
            with_backends = (worklink.cpu_ms + sum(ms for _, ms in backends)) / by_key["c"].cpu_ms
            print(f"    the same with {' and '.join(n for n, _ in backends)} server CPU added "
                  f"({' + '.join(f'{ms:.2f} ms' for _, ms in backends)}): {with_backends:5.2f}x")
    if "f" in by_key and "c" in by_key:
        required = by_key["f"].cpu_ms
        print(f"    (f), the floor plus only the work every launch must do: "
              f"{required / by_key['c'].cpu_ms:5.2f}x the floor; Worklink: "
              f"{worklink.cpu_ms / required:5.2f}x (f)")
    if "e" in by_key:
        then = by_key["e"]
        print(f"  against (e) {args.against}: CPU per launch {worklink.cpu_ms / then.cpu_ms:5.2f}x, "
              f"launches/s {worklink.per_second / then.per_second:5.2f}x")
    print(f"  p95 of a full launch:                   {worklink.p95_ms:5.1f} ms (goal <= "
          f"{GOAL_P95_MS:g} ms) {verdict(worklink.p95_ms <= GOAL_P95_MS)}")
    print(f"  platform JWKS fetches while measured:   {worklink.jwks_fetches:5d}    (goal "
          f"{GOAL_JWKS_FETCHES}) {verdict(worklink.jwks_fetches <= GOAL_JWKS_FETCHES)}")
    return all_valid


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per target")
    parser.add_argument("--rounds", type=int, default=5,
                        help="slices the measured time is split into, targets interleaved")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before each slice, wait (this long in all, at most) until other "
                             "processes use under 0.1 core: for shared machines")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured launches first")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=200, help="simulated users (cookie jars)")
    parser.add_argument("--client", choices=sorted(BROWSERS), default="lean",
                        help="the simulated browser: lean http.client (default: measures the "
                             "server) or requests.Session (costs ~3x the client CPU)")
    parser.add_argument("--new-browser-every", type=int, default=8,
                        help="launches before a user's cookie jar is thrown away")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                        help="Worklink's database: a fresh SQLite file or a fresh PostgreSQL one")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="with --db postgresql: the database to drop and recreate")
    parser.add_argument("--redis", action="store_true",
                        help="give Worklink WORKLINK_REDIS_URL=redis://127.0.0.1:6379/13")
    parser.add_argument("--only", default="a,b,c,d,f",
                        help="targets to run, e.g. a,d (a: pylti1p3 URL, b: inline, c: floor, "
                             "d: Worklink, f: floor + required work; e: see --against)")
    parser.add_argument("--against", metavar="GIT_REF",
                        help="also measure Worklink as it was at this commit, as target (e), in "
                             "the same run (same schema assumed): an honest before/after")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.only = [key.strip() for key in args.only.split(",") if key.strip()]
    if args.against and "e" not in args.only:
        args.only.append("e")
    if "e" in args.only and not args.against:
        parser.error("target e needs --against GIT_REF")
    if unknown := set(args.only) - set(NAMES):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    workdir = REPO / "bench" / "out" / f"run-{stamp}"
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"logs and databases in {workdir.relative_to(REPO)}")
    unavailable: dict[str, Figures] = {}
    running: list[Running] = []
    with PlatformSimulator() as simulator:
        try:
            for key in args.only:
                port = free_port()
                try:
                    target = build_target(key, simulator, args, port, workdir)
                    print(f"{key}) {target.label}: starting, warming up…", flush=True)
                    running.append(start(target, args, port, workdir))
                except TargetUnavailable as exc:
                    print(f"   not measured: {exc}", flush=True)
                    unavailable[key] = Figures(key, NAMES[key], LABELS[key], unavailable=str(exc))
            # Rounds of short slices, target after target: a neighbour's burst of CPU on this
            # machine then lands on every target alike instead of on one of them.
            print(f"measuring {len(running)} targets in {args.rounds} rounds…", flush=True)
            patience = Patience(args.wait_quiet)
            for _ in range(args.rounds):
                for each in running:
                    patience.wait_for_quiet()
                    measure_slice(each, simulator, args.seconds / args.rounds)
            if patience.budget:
                print(f"waited {patience.waited:.0f} s in all for a quiet machine", flush=True)
        finally:
            for each in running:
                each.stop()
            remove_checkout(workdir)
        measured = {each.target.key: figures_of(each, simulator) for each in running}
    all_figures = [measured.get(key) or unavailable[key] for key in args.only]
    valid = report(all_figures, args)
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(f) for f in all_figures], indent=2))
    if not valid:
        print("\nThe run had failed launches: its figures are not a valid measurement.")
    return 0 if valid and all(not f.unavailable for f in all_figures) else 1


if __name__ == "__main__":
    sys.exit(main())
