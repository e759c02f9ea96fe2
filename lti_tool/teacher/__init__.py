"""The teacher's pages."""

from lti_tool.teacher import coverage as _coverage  # noqa: F401  (registers /course/<id>/coverage)
from lti_tool.teacher import employer_links as _links  # noqa: F401  (employer links, mail)
from lti_tool.teacher import grades as _grades  # noqa: F401  (registers /course/<id>/grades)
from lti_tool.teacher import mastery as _mastery  # noqa: F401  (registers /course/<id>/mastery)
from lti_tool.teacher import moderation as _moderation  # noqa: F401  (ratings, audit)
from lti_tool.teacher import partners as _partners  # noqa: F401  (partners and placements)
from lti_tool.teacher import picker as _picker  # noqa: F401  (registers /course/<id>/picker)
from lti_tool.teacher import roster as _roster  # noqa: F401  (registers /course/<id>/roster)
from lti_tool.teacher import submissions as _submissions  # noqa: F401  (students' work)
from lti_tool.teacher import tasks as _tasks  # noqa: F401  (registers /course/<id>/tasks…)
from lti_tool.teacher.views import bp

__all__ = ["bp"]
