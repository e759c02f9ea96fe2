"""The student's pages."""

from lti_tool.student import competencies as _competencies  # noqa: F401  (registers /course/<id>/competencies)
from lti_tool.student import work as _work  # noqa: F401  (registers /course/<id>/task/<link>…)
from lti_tool.student.views import bp

__all__ = ["bp"]
