"""The ``worklink`` command: one group, one module per subject."""

from __future__ import annotations

import click

from lti_tool.cli.db import db


@click.group()
def main() -> None:
    """Worklink: work-based learning inside the LMS."""


main.add_command(db)


def _register_optional() -> None:
    # Subcommand modules own their subjects; each adds itself here.
    from lti_tool.cli import demo

    main.add_command(demo.demo)
    from lti_tool.cli import worker

    main.add_command(worker.worker)
    from lti_tool.cli import admin, keys, platform  # onboarding and keys (H5)

    main.add_command(platform.platform)
    main.add_command(keys.keys)
    main.add_command(admin.admin)
    from lti_tool.cli import sessions

    main.add_command(sessions.sessions)
    from lti_tool.cli import frameworks  # competency frameworks (H3)

    main.add_command(frameworks.frameworks)
    from lti_tool.cli import storage  # where students' files are kept

    main.add_command(storage.storage)


_register_optional()
