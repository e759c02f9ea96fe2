"""The admin's pages."""

from lti_tool.admin import sessions as _sessions  # noqa: F401,E402  (registers its views on bp)
from lti_tool.admin.views import bp

__all__ = ["bp"]
