"""What a task accepts of files on this instance: the task's policy inside the instance's limits."""

from __future__ import annotations

from competencies.work.file_policy import DEFAULT, FilePolicy
from lti_tool.config import app_config


def upload_policy(policy: FilePolicy = DEFAULT) -> FilePolicy:
    """The policy the page shows (picker hints, the sentence) and the tus server checks: a task
    may narrow the instance's limits (``UPLOAD_MAX_MB``, ``UPLOAD_MAX_FILES``), never widen them."""
    config = app_config()
    return policy.within(config.upload_max_bytes, config.upload_max_files)
