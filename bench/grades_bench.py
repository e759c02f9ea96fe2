"""Grades to a slow, throttling LMS: 1,000 final scores across 5 courses through the outbox.

    .venv/bin/python -m bench.grades_bench                      # SQLite file, 8 threads
    .venv/bin/python -m bench.grades_bench --db postgresql      # a fresh worklink_bench_grades DB
    .venv/bin/python -m bench.grades_bench --parallelism 4 --latency 0.05

Two runs against ``bench.ags_platform`` on 127.0.0.1, each answering every request after
``--latency`` seconds:

The delivery worker runs in a process of its own (forked), the simulated platform in this one,
as they would on separate machines.

1. no throttling: the total is compared with what the platform's latency allows,
   ``latency × scores ÷ parallelism`` (goal: at most 1.2×);
2. a Canvas-style leaky bucket that lets fewer requests through than the threads could send:
   throttled answers are counted in the first and second half of the run (goal: none in the
   second, once the pacer has learned the bucket) and the total compared with what the bucket
   allows (``scores ÷ leak rate``).

Both print the token requests made (goal: one per registration and scope set). Before them,
``--floor`` (on by default) sends the same 1,000 score bodies with the same threads through the
same AGS client in a process of its own, with no outbox, no claims and no writes: what the HTTP
client, the platform and this machine's load cost, so Worklink's ratio reads against it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from bench.ags_platform import AgsPlatform
from bench.databases import fresh_database
from lti_tool import migrate
from lti_tool.db import Database, make_engine
from lti_tool.grades import outbox
from lti_tool.grades.ags_client import AgsClient, PlatformAccount
from lti_tool.grades.delivery import Deliverer
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.jobs.grade_delivery import deliver_grades
from lti_tool.lti import keys
from lti_tool.lti.registrations import add_registration
from lti_tool.lti.store import DatabaseStore
from lti_tool.models import Course, DeliveryState, GradeOutbox, Registration, ResourceLink, User
from lti_tool.outbound.addresses import AddressPolicy
from lti_tool.outbound.client import OutboundClient

COURSES = 5


def prepare(url: str, lms: AgsPlatform, scores: int) -> Database:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    database = Database(url)
    with database.session() as session:
        keys.ensure_keys(session)
        registration = add_registration(
            session, name="Bench LMS", issuer="https://lms.bench.test", client_id="bench",
            auth_login_url="https://lms.bench.test/auth", auth_token_url=lms.token_url,
            key_set={"keys": []}, deployment_ids=["d"], product="canvas")
        session.flush()
        links = []
        for c in range(COURSES):
            course = Course(deployment_id=registration.deployments[0].id, context_id=f"c{c}",
                            title=f"Course {c}", lineitems_url=lms.lineitems_url(f"c{c}"))
            session.add(course)
            session.flush()
            link = ResourceLink(course_id=course.id, resource_link_id=f"rl{c}", title=f"Task {c}")
            session.add(link)
            links.append(link)
        users = [User(registration_id=registration.id, sub=f"student-{n}") for n in range(scores)]
        session.add_all(users)
        session.flush()
        now = dt.datetime.now(dt.UTC)
        for n, user in enumerate(users):
            outbox.enqueue(session, GradebookScore(
                resource_link_id=links[n % COURSES].id, user_id=user.id, source=f"s:{n}",
                points=float(n % 12), maximum=12, grading=Grading.FINAL, rated_at=now,
                submitted_at=now - dt.timedelta(days=1),
                criteria=[CriterionLine("Safety", "Proficient", 3, 4)]), now=now)
        session.commit()
    return database


def client_for(database: Database) -> AgsClient:
    def signing() -> keys.SigningKey:
        with database.session() as session:
            return keys.signing_key(session)

    # The simulated platform is on 127.0.0.1: an address production's policy never allows.
    outbound = OutboundClient(AddressPolicy.parse(["127.0.0.1"]),
                              user_agent="Worklink/bench (+https://worklink.test)")
    return AgsClient(DatabaseStore(database), signing, outbound=outbound, timeout=10,
                     pool_size=32)


def left(database: Database) -> int:
    with database.session() as session:
        return session.query(GradeOutbox).filter(
            GradeOutbox.state.in_((DeliveryState.PENDING, DeliveryState.IN_FLIGHT))).count()


def deliver_all(url: str, parallelism: int, scores: int) -> None:
    """The worker: its own process, as in production (the platform's CPU is not Worklink's)."""
    database = Database(url)
    deliverer = Deliverer(database, client_for(database), worker="bench")
    progress, progress_at = scores, time.perf_counter()
    while (waiting := left(database)):
        # One run of the periodic job: batches until none is due, each next one claimed while
        # the last scores of the one before are on the wire.
        deliver_grades(deliverer, limit=parallelism * 32, parallelism=parallelism)
        if waiting < progress:
            progress, progress_at = waiting, time.perf_counter()
        elif time.perf_counter() - progress_at > 60:
            raise SystemExit(f"stuck: nothing delivered for a minute ({waiting} left)")
    database.dispose()


def post_all(url: str, parallelism: int, lineitems: dict[int, str]) -> None:
    """The floor's worker: the outbox's score bodies posted by as many threads, nothing written."""
    database = Database(url)
    client = client_for(database)
    with database.session() as session:
        registration = session.scalars(select(Registration)).one()
        account = PlatformAccount(registration.id, registration.issuer, registration.client_id,
                                  registration.auth_token_url, registration.auth_audience)
        bodies = [(lineitems[link], {"userId": sub, **score}) for link, sub, score in session.execute(
            select(GradeOutbox.resource_link_id, User.sub, GradeOutbox.score)
            .join(User, User.id == GradeOutbox.user_id).order_by(GradeOutbox.id))]
    database.dispose()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        answers = list(pool.map(lambda sent: client.post_score(account, *sent).status, bodies))
    if set(answers) != {200}:
        raise SystemExit(f"the floor's posts were refused: {sorted(set(answers))}")


def run(url: str, database: Database, lms: AgsPlatform, parallelism: int,
        scores: int, *, floor: bool = False) -> dict[str, float]:
    if floor:
        with database.session() as session:
            lineitems = {link: lms.add_lineitem(context, label=title, scoreMaximum=12)
                         for link, context, title in session.execute(
                             select(ResourceLink.id, Course.context_id, ResourceLink.title)
                             .join(Course, Course.id == ResourceLink.course_id))}
    database.dispose()  # the worker process opens its own connections
    worker = multiprocessing.get_context("fork").Process(
        target=post_all if floor else deliver_all,
        args=(url, parallelism, lineitems) if floor else (url, parallelism, scores))
    throttled_at_half = None
    started = time.perf_counter()
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if throttled_at_half is None and len(lms.accepted) >= scores // 2:
            throttled_at_half = lms.throttled
    total = time.perf_counter() - started
    if worker.exitcode != 0:
        raise SystemExit(f"the delivery worker failed (exit {worker.exitcode})")
    return {"seconds": total, "accepted": len(lms.accepted), "throttled": lms.throttled,
            "throttled_first_half": throttled_at_half or 0,
            "throttled_second_half": lms.throttled - (throttled_at_half or 0),
            "token_requests": lms.token_requests, "lineitems": len(lms.lineitems)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench_grades")
    parser.add_argument("--scores", type=int, default=1000)
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--bucket", type=float, nargs=2, default=(40.0, 60.0),
                        metavar=("CAPACITY", "LEAK_PER_S"))
    parser.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                        help="first post the same scores with no outbox (default: on)")
    args = parser.parse_args()
    runs: list[tuple[str, tuple[float, float] | None]] = [
        ("no throttling", None), ("leaky bucket", tuple(args.bucket))]
    if args.floor:
        runs.insert(0, ("floor", None))
    floor_seconds = None
    with tempfile.TemporaryDirectory(prefix="worklink-grades-") as workdir:
        for name, bucket in runs:
            with AgsPlatform(latency=args.latency, bucket=bucket) as lms:  # type: ignore[arg-type]
                url = fresh_database(args.db, Path(workdir), args.pg_url,
                                     sqlite_name=f"grades-{name.replace(' ', '-')}.db")
                database = prepare(url, lms, args.scores)
                figures = run(url, database, lms, args.parallelism, args.scores,
                              floor=name == "floor")
                database.dispose()
            allowed = args.latency * args.scores / args.parallelism
            if name == "floor":
                floor_seconds = figures["seconds"]
                print(f"== floor: the same {args.scores} score bodies posted by {args.parallelism} "
                      f"threads through the AGS client, no outbox, {args.latency * 1000:g} ms per answer")
                print(f"   total {floor_seconds:.2f} s; ratio to latency × scores ÷ parallelism "
                      f"({allowed:.2f} s) {floor_seconds / allowed:.2f}")
                continue
            if bucket is None:
                limit = f"latency × scores ÷ parallelism = {allowed:.2f} s"
            else:
                allowed = max(args.latency * args.scores / args.parallelism,
                              (args.scores - bucket[0]) / bucket[1])
                limit = f"the bucket's leak ({bucket[1]:g}/s after {bucket[0]:g} at once) = {allowed:.2f} s"
            print(f"== {name}: {args.scores} scores, {COURSES} courses, {args.latency * 1000:g} ms "
                  f"per answer, {args.parallelism} threads, {args.db}")
            print(f"   total {figures['seconds']:.2f} s; the platform allows {limit}; "
                  f"ratio {figures['seconds'] / allowed:.2f} (goal <= 1.2)"
                  + (f"; {figures['seconds'] / floor_seconds:.2f}× the floor"
                     if bucket is None and floor_seconds else ""))
            print(f"   delivered {figures['accepted']:.0f}; token requests "
                  f"{figures['token_requests']:.0f} (goal 1); line items made "
                  f"{figures['lineitems']:.0f} (one per course)")
            if bucket is not None:
                print(f"   throttled answers: {figures['throttled_first_half']:.0f} in the first "
                      f"half, {figures['throttled_second_half']:.0f} in the second (goal 0)")


if __name__ == "__main__":
    main()
