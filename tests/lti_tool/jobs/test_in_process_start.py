"""The in-process job consumer starts only once the app is whole and every mapper configured."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import lti_tool.jobs.engine as engine
from competencies.orm import Base
from lti_tool.app import create_app
from lti_tool.config import Config, JobsMode


def test_job_threads_start_after_every_model_is_imported_and_configured(
        config: Config, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads that query while a blueprint is still importing its models broke every request:
    a relationship's target class was not defined yet, and the mapper failure stuck."""
    seen: dict[str, Any] = {}
    real_start = engine.start_in_process

    def recording_start(jobs: Any, workers: int = 2) -> Any:
        mappers = list(Base.registry.mappers)
        seen["names"] = {m.class_.__name__ for m in mappers}
        seen["unconfigured"] = [m.class_.__name__ for m in mappers if not m.configured]
        return real_start(jobs, workers)

    monkeypatch.setattr("lti_tool.jobs.start_in_process", recording_start)
    app = create_app(dataclasses.replace(config, database_url=fresh_database_url,
                                         jobs=JobsMode.THREADS))
    try:
        assert {"FinalScore", "CriterionRating", "Submission", "Upload", "AuditEvent"} <= seen["names"]
        assert seen["unconfigured"] == []
    finally:
        app.extensions["worklink.jobs_consumer"].stop(graceful=True)
        app.extensions["worklink.db"].engine.dispose()
