"""What the LTI layer hands on once a launch is accepted; the audiences decide what to draw.

The LTI layer never imports a page: the composition root registers the one function that
draws a launch's landing page (``register_landing``), and the launch view calls it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy.engine import Connection

from lti_tool.lti.launch import Launch
from lti_tool.lti.provisioning import Provisioned
from lti_tool.security import Principal


@dataclasses.dataclass(frozen=True)
class Launched:
    """An accepted, provisioned launch and the session it was bound to."""

    launch: Launch
    principal: Principal
    provisioned: Provisioned


Landing = Callable[[Connection, Launched], tuple[str, int]]
"""Draws the page a launch lands on (body and status), after the launch's writes committed."""

_KEY = "worklink.landing"


def register_landing(app: Flask, landing: Landing) -> None:
    app.extensions[_KEY] = landing


def land(connection: Connection, launched: Launched) -> tuple[str, int]:
    landing: Landing | None = current_app.extensions.get(_KEY)
    if landing is None:
        raise RuntimeError("no landing page is registered (create_app registers one)")
    return landing(connection, launched)
