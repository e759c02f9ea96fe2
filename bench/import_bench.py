"""Time ``import_package`` on a generated framework: first import, then an unchanged re-import.

    .venv/bin/python -m bench.import_bench [--items 50000] [--url sqlite:///…|postgresql+psycopg://…]

Prints wall and CPU seconds for each run and the peak resident memory of the process. Without
``--url`` it uses a SQLite file in a temporary directory. A PostgreSQL database is dropped and
recreated, so name one of your own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.orm import Session

from bench.databases import recreate_postgres
from competencies.importing import import_package
from competencies.package import AssociationRecord, FrameworkPackage, FrameworkRecord, ItemRecord
from lti_tool import migrate
from lti_tool.db import make_engine

FANOUT = (10, 10, 10, 10, 5)
"""Children per node by depth: 10 domains, 100 clusters, 1,000 standards, 10,000 components…"""


def generate(count: int) -> FrameworkPackage:
    """A framework of ``count`` items in a five-level tree, shaped like a large state framework."""
    framework = "urn:worklink:bench"
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    items: list[ItemRecord] = []
    associations: list[AssociationRecord] = []
    frontier = [framework]
    depth = 0
    while len(items) < count:
        below = []
        for parent in frontier:
            for place in range(FANOUT[min(depth, len(FANOUT) - 1)]):
                if len(items) == count:
                    break
                n = len(items)
                identifier = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-item-{n}"))
                items.append(ItemRecord(
                    identifier=identifier, human_coding_scheme=f"B.{depth}.{n}",
                    full_statement=f"Statement {n}: the learner can explain and apply idea {n}.",
                    item_type=("Domain", "Cluster", "Standard", "Component", "Element")[depth],
                    education_levels=["09", "10"], last_change=when,
                    extra={"importance": 3.5, "level": 4.25}))
                associations.append(AssociationRecord(
                    identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-association-{n}")),
                    association_type="isChildOf", origin=identifier, destination=parent,
                    sequence=place + 1, last_change=when))
                below.append(identifier)
        frontier, depth = below, depth + 1
    return FrameworkPackage(framework=FrameworkRecord(identifier=framework, title="Bench"),
                            items=items, associations=associations, source_format="bench")


def _fresh(url: str | None) -> str:
    if url is None:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    if make_url(url).get_backend_name() == "postgresql":
        return recreate_postgres(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--url")
    args = parser.parse_args()
    engine = make_engine(_fresh(args.url))
    migrate.upgrade(engine)
    package = generate(args.items)
    times = []
    for run in ("first import", "unchanged re-import"):
        with Session(engine) as session:
            wall, cpu = time.perf_counter(), time.process_time()
            report = import_package(session, package)
            session.commit()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        times.append((wall, cpu))
        print(f"{run:>20}: {wall:6.2f} s wall, {cpu:6.2f} s CPU  items {report.items}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"re-import / first: {times[1][0] / times[0][0]:.0%} wall, "
          f"{times[1][1] / times[0][1]:.0%} CPU; peak memory {peak:.0f} MB "
          f"({engine.dialect.name}, {args.items:,} items)")


if __name__ == "__main__":
    main()
