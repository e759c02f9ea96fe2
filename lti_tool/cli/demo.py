"""``worklink demo``: the embedded defaults plus the sandbox LMS, on one address."""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Run Worklink on SQLite with the sandbox LMS, and print the address to open."""
    os.environ.setdefault("WORKLINK_SANDBOX", "1")
    os.environ.setdefault("WORKLINK_BASE_URL", f"http://{host}:{port}")
    from lti_tool.app import create_app
    from lti_tool.cli.context import load_config
    from lti_tool.cli.db import prepare_database

    config = load_config()
    prepare_database(with_builtin_frameworks=True)
    app = create_app(config)
    click.echo(f"\n  Worklink demo is running: open {config.base_url}/sandbox/ in a browser\n")
    app.run(host=host, port=port, debug=False, threaded=True)
