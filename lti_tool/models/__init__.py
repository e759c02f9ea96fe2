"""Every table the LTI shell owns; importing this registers them on the shared ``Base``."""

import competencies.partners  # noqa: F401  (mail points at employer links)
import competencies.tasks.model  # noqa: F401  (resource links point at WBL tasks)
import competencies.work.model  # noqa: F401  (submissions point at resource links)
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
    "BrowserSession", "Course", "DeliveryState", "Deployment", "DeploymentStatus", "Enrollment",
    "EphemeralValue", "GradeOutbox", "KeyStatus", "LineItemBinding", "MailStatus", "OutboundMail",
    "Registration", "ResourceLink", "TaskOpen", "ToolKey", "Upload", "User",
]
