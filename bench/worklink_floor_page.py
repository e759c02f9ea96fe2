"""Worklink with the required floor's page: target (g) of the launch benchmark.

The same app as ``lti_tool.wsgi:app`` (the same launch path, sessions, provisioning, headers and
commits), but each launch lands on the five-line page target (f) renders, from the same template,
instead of the audience's home page. Set beside (d) and (f), it separates what Worklink's launch
path costs from what its landing pages cost: (f) renders that small page, while the pages issues
9, 10 and 12 ask every launch to land on (language switch, sign-out form, the student's tasks,
all translated) cost more than the rest of the launch. Started as
``bench.worklink_floor_page:create_app()`` with the same WORKLINK_* variables as (d).
"""

from __future__ import annotations

from flask import Flask
from jinja2 import Environment
from sqlalchemy.engine import Connection

from bench.required_floor import PAGE
from lti_tool.app import create_app as create_worklink
from lti_tool.config import Config
from lti_tool.lti.launched import Launched, register_landing

_PAGE = Environment(autoescape=True).from_string(PAGE)


def floor_page(conn: Connection, launched: Launched) -> tuple[str, int]:
    """(f)'s page, filled the way (f) fills it: course title, name, teacher or student."""
    launch = launched.launch
    return _PAGE.render(course=launch.context.title if launch.context else None,
                        name=launch.name,
                        role="teacher" if launched.principal.is_staff else "student"), 200


def create_app(config: Config | None = None) -> Flask:
    app = create_worklink(config)
    register_landing(app, floor_page)
    return app
