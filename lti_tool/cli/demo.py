"""``worklink demo``: the embedded defaults plus the sandbox LMS, on one address."""

from __future__ import annotations

import os
import signal
import sys

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Run Worklink on SQLite with the sandbox LMS, and print the address to open.

    The first start loads the content Worklink ships (frameworks, a Common Core math and an
    O*NET sample, six task templates); later starts find it there.
    """
    os.environ.setdefault("WORKLINK_SANDBOX", "1")
    os.environ.setdefault("WORKLINK_BASE_URL", f"http://{host}:{port}")
    from lti_tool.app import create_app
    from lti_tool.cli.context import load_config
    from lti_tool.cli.db import prepare_database
    from lti_tool.config import DEMO_ADDRESS_FILE

    config = load_config()
    prepare_database(demo_content=True)
    app = create_app(config)
    # Other commands (`worklink admin link`) read it, so their links reach this port.
    address = config.instance_dir / DEMO_ADDRESS_FILE
    address.write_text(f"{config.base_url} {os.getpid()}\n", "utf-8")
    click.echo(f"\n  Worklink demo is running: open {config.base_url}/sandbox/ in a browser"
               f"\n  (database: {config.database_url})\n")
    # A plain SIGTERM (a service manager, `timeout`) ends the process without unwinding; made a
    # SystemExit, it runs the cleanup below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        app.run(host=host, port=port, debug=False, threaded=True)
    finally:
        address.unlink(missing_ok=True)
