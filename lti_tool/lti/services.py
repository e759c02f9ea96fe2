"""The LTI machinery one app shares across requests: the ephemeral store and platform keys."""

from __future__ import annotations

import dataclasses

from flask import Flask, current_app

from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.lti.directory import Directory
from lti_tool.lti.platform_keys import PlatformKeys
from lti_tool.lti.provisioning import ProvisioningMemory
from lti_tool.lti.store import EphemeralStore, make_store
from lti_tool.outbound.client import OutboundClient
from lti_tool.outbound.configured import client_for


@dataclasses.dataclass
class LtiServices:
    store: EphemeralStore
    platform_keys: PlatformKeys
    directory: Directory
    provisioning: ProvisioningMemory
    outbound: OutboundClient
    """Every fetch from a platform goes through this client (see :mod:`lti_tool.outbound`)."""


def build(config: Config, database: Database) -> LtiServices:
    store = make_store(database, config.redis_url)
    outbound = client_for(config)
    keys = PlatformKeys(store, outbound, floor=config.jwks_cache_min_seconds,
                        ceiling=config.jwks_cache_max_seconds,
                        timeout=config.http_timeout_seconds, max_bytes=config.jwks_max_bytes)
    return LtiServices(store, keys, Directory(), ProvisioningMemory(), outbound)


def lti_services(app: Flask | None = None) -> LtiServices:
    return (app or current_app).extensions["worklink.lti"]  # type: ignore[no-any-return]
