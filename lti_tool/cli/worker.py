"""``worklink worker``: the job engine's consumer (production runs one or more beside the web).

It consumes the same huey queue the web app fills (Redis with ``WORKLINK_REDIS_URL``, else the
SQLite file in the instance folder) with a few threads, and runs the periodic tasks. SIGTERM or
Ctrl-C stops it after the tasks in hand finish.

It starts only once ``worklink storage check`` passes: its minutely purge deletes students'
removed files, and a store it cannot reach, or a bucket where a delete would leave old versions
behind, would otherwise fail that purge every minute, seen only by whoever reads its log.
"""

from __future__ import annotations

import dataclasses
import logging

import click

from lti_tool.cli.context import load_config, open_database
from lti_tool.config import Config, JobsMode
from lti_tool.grades.delivery import build_deliverer
from lti_tool.jobs.context import JobContext
from lti_tool.jobs.engine import build, make_huey
from lti_tool.jobs.grade_delivery import deliver_grades
from lti_tool.jobs.purge import purge_expired
from lti_tool.lti import services
from lti_tool.mail.jobs import send_due_mail
from lti_tool.models import configure_all
from lti_tool.storage.check import StorageCheckFailed, check_storage

log = logging.getLogger(__name__)


@click.command()
@click.option("--threads", default=4, show_default=True,
              help="Tasks run at once (they mostly wait on LMS platforms).")
@click.option("--once", is_flag=True,
              help="Run the periodic tasks once and exit (for cron or a health check).")
def worker(threads: int, once: bool) -> None:
    """Run Worklink's background jobs until stopped (SIGTERM or Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_config()
    database = open_database(config)
    try:
        _check_storage(config)
        context = JobContext(config, database, services.build(config, database))
        if once:
            click.echo(f"expired launch values removed: {purge_expired(context)}")
            for state, count in deliver_grades(build_deliverer(database, config)).items():
                click.echo(f"grades {state}: {count}")
            for outcome, count in send_due_mail(database, config).items():
                click.echo(f"mail {outcome}: {count}")
            return
        configure_all()  # before the consumer's threads race to import and query
        # The queue the web app fills, whatever WORKLINK_JOBS says about the web process.
        jobs = build(context, make_huey(dataclasses.replace(config, jobs=JobsMode.WORKER)))
        jobs.huey.create_consumer(workers=threads, worker_type="thread", periodic=True,
                                  graceful_signal="TERM").run()
    finally:
        database.engine.dispose()


def _check_storage(config: Config) -> None:
    try:
        check_storage(config, log.info)
    except StorageCheckFailed as exc:
        raise click.ClickException(
            f"the worker did not start: its storage check failed: {exc} (`worklink storage "
            "check` runs the same check)") from None
