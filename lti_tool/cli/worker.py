"""``worklink worker``: the background jobs loop (one per deployment, beside the web workers):
expired launch values, and grades waiting in the outbox."""

from __future__ import annotations

import logging
import signal
import threading
import time

import click

from lti_tool.cli.context import load_config, open_database
from lti_tool.grades.delivery import Deliverer, build_deliverer
from lti_tool.lti.store import DatabaseStore

log = logging.getLogger("worklink.worker")


def run_jobs_once(store: DatabaseStore, grades: Deliverer | None = None) -> dict[str, int]:
    """One pass of every job; returns what each did, for the log."""
    # Launch states nobody completed, used nonces, cached keys and tokens past their time: the
    # database backend keeps rows until something deletes them (Redis expires keys itself).
    done = {"expired launch values removed": store.purge_expired()}
    if grades is not None:
        for state, count in grades.deliver_due_scores().counts.items():
            done[f"grades {state}"] = count
    return done


@click.command()
@click.option("--interval", default=60.0, show_default=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and exit (for cron or a health check).")
def worker(interval: float, once: bool) -> None:
    """Run Worklink's background jobs until stopped (SIGTERM or Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_config()
    database = open_database(config)
    store = DatabaseStore(database)
    grades = build_deliverer(database, config)
    stopping = threading.Event()
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        while True:
            started = time.monotonic()
            for job, count in run_jobs_once(store, grades).items():
                log.info("%s: %d", job, count)
            if once or stopping.wait(max(0.0, interval - (time.monotonic() - started))):
                break
    except KeyboardInterrupt:
        pass
    finally:
        database.engine.dispose()
