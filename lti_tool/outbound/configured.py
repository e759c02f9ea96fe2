"""The outbound client as the configuration describes it, with Worklink's User-Agent."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from lti_tool.config import Config
from lti_tool.outbound.client import OutboundClient


def user_agent(config: Config) -> str:
    """``Worklink/0.1.0 (+https://worklink.example.edu)``: Canvas refuses service requests
    without a User-Agent, and a platform's admin can see whose server is calling."""
    try:
        release = version("worklink")
    except PackageNotFoundError:  # a source tree that was never installed
        release = "dev"
    return f"Worklink/{release} (+{config.base_url})"


def client_for(config: Config) -> OutboundClient:
    return OutboundClient(config.outbound_policy, user_agent=user_agent(config),
                          timeout=config.http_timeout_seconds)
