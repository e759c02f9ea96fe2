"""What a task may use: the same configuration, database and clients as the web app."""

from __future__ import annotations

import dataclasses

from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.lti.services import LtiServices


@dataclasses.dataclass(frozen=True)
class JobContext:
    config: Config
    database: Database
    services: LtiServices
