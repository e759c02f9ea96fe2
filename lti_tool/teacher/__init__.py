"""The teacher's pages."""

from lti_tool.teacher.views import bp

__all__ = ["bp"]
