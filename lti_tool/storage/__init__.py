"""Where the bytes of students' files are kept: local files (default) or S3-compatible storage.

``WORKLINK_STORAGE=local`` keeps them under ``<instance>/artifacts``; ``s3`` in a bucket (see
the README's configuration reference). Both implement :class:`competencies.ports.ArtifactStore`.
"""

from __future__ import annotations

from flask import Flask, current_app

from competencies.ports import ArtifactStore
from lti_tool.config import Config
from lti_tool.storage.keys import new_key

__all__ = ["artifact_store", "build", "new_key"]


def build(config: Config) -> ArtifactStore:
    if config.storage == "s3":
        from lti_tool.storage.s3 import S3Store

        return S3Store(config.s3_bucket or "", prefix=config.s3_prefix,
                       endpoint_url=config.s3_endpoint_url, region=config.s3_region,
                       access_key_id=config.s3_access_key_id,
                       secret_access_key=config.s3_secret_access_key)
    from lti_tool.storage.local import LocalStore

    return LocalStore(config.instance_dir / "artifacts")


def artifact_store(app: Flask | None = None) -> ArtifactStore:
    """The app's store, built from its configuration on first use."""
    app = app or current_app
    store: ArtifactStore | None = app.extensions.get("worklink.artifact_store")
    if store is None:
        store = app.extensions["worklink.artifact_store"] = build(app.extensions["worklink.config"])
    return store
