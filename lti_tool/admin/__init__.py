"""The admin's pages."""

from lti_tool.admin.views import bp

__all__ = ["bp"]
