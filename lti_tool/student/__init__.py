"""The student's pages."""

from lti_tool.student.views import bp

__all__ = ["bp"]
