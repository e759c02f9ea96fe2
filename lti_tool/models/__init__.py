"""Every table the LTI shell owns; importing this registers them on the shared ``Base``."""

import competencies.audit.log  # noqa: F401  (every table, for configure_all below)
import competencies.models  # noqa: F401
import competencies.partners  # noqa: F401  (mail points at employer links)
import competencies.partners.links  # noqa: F401
import competencies.scoring.model  # noqa: F401
import competencies.tasks.model  # noqa: F401  (resource links point at WBL tasks)
import competencies.work.model  # noqa: F401  (submissions point at resource links)
from lti_tool.models.added import AddedTask
from lti_tool.models.browser_session import BrowserSession
from lti_tool.models.ephemeral import EphemeralValue
from lti_tool.models.grades import DeliveryState, GradeOutbox, LineItemBinding
from lti_tool.models.mail import MailStatus, OutboundMail
from lti_tool.models.people import Course, Enrollment, ResourceLink, User
from lti_tool.models.progress import TaskOpen
from lti_tool.models.registration import Deployment, DeploymentStatus, Registration
from lti_tool.models.tool_key import KeyStatus, ToolKey
from lti_tool.models.uploads import Upload

__all__ = [
    "AddedTask", "BrowserSession", "Course", "DeliveryState", "Deployment", "DeploymentStatus", "Enrollment",
    "EphemeralValue", "GradeOutbox", "KeyStatus", "LineItemBinding", "MailStatus", "OutboundMail",
    "Registration", "ResourceLink", "TaskOpen", "ToolKey", "Upload", "User",
]


def configure_all() -> None:
    """Every mapper configured now, in one thread, before any other thread queries.

    SQLAlchemy configures mappers on the first query. A background job thread whose first query
    ran while the main thread was still importing a model module (a blueprint imported late)
    found a relationship's target class not yet defined, and the mapper failure stuck for the
    life of the process: every request of that worker failed.
    """
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
