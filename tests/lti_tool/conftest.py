"""Launch fixtures (test platform, registration, login-and-launch flow) and the S3 server on
loopback, for every shell test."""

from tests.lti_tool.lti.conftest import (  # noqa: F401  (fixtures)
    flow,
    jwks_server,
    platform,
    registration,
)
from tests.lti_tool.storage.s3_server import s3_server  # noqa: F401  (a fixture)
