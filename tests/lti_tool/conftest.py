"""Launch fixtures (test platform, registration, login-and-launch flow) for every shell test."""

from tests.lti_tool.lti.conftest import (  # noqa: F401  (fixtures)
    flow,
    jwks_server,
    platform,
    registration,
)
