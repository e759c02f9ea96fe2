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
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browsers import BROWSERS
from bench.gunicorn_target import free_port
from bench.launch_measurement import Figures, Patience, Running, figures_of, measure_slice, start
from bench.launch_report import report
from bench.platform_simulator import PlatformSimulator
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
         "e": "worklink-then", "f": "required-floor", "g": "worklink-floor-page"}
LABELS = {"a": "pylti1p3, JWKS by URL", "b": "pylti1p3, JWKS inline", "c": "floor", "d": "Worklink",
          "e": "Worklink at --against", "f": "floor + required work",
          "g": "Worklink landing on (f)'s page"}


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
    if key == "g":
        return worklink_target(key, simulator, workdir, port=port, db=args.db,
                               postgres_url=args.postgres_url, redis=args.redis,
                               name=NAMES["g"], label_prefix="Worklink on (f)'s page",
                               app_spec="bench.worklink_floor_page:create_app()")
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
                             "d: Worklink, f: floor + required work, g: Worklink landing on "
                             "(f)'s page; e: see --against)")
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
