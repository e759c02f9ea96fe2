"""The teacher's pages are tested through real launches from the test platform."""

from tests.lti_tool.lti.conftest import (  # noqa: F401  (fixtures)
    flow,
    jwks_server,
    platform,
    registration,
)
