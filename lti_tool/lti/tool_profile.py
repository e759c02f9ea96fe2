"""What Worklink tells every platform about itself: its URLs, the scopes and claims it needs.

One source for Dynamic Registration, the Canvas JSON configuration, the CLI and the admin's
"URLs to paste" page, so that the three install routes cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from lti_tool.config import Config

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_MEMBERSHIP = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

SCOPES: tuple[str, ...] = (
    AGS_LINEITEM, AGS_LINEITEM_READONLY, AGS_RESULT_READONLY, AGS_SCORE, NRPS_MEMBERSHIP,
)
"""Line items (one per work-based task), scores and results, and the course roster."""

CLAIMS: tuple[str, ...] = ("iss", "sub", "name", "given_name", "family_name", "email")
"""Names and email let a teacher recognise a learner and let Worklink write to an employer."""

DESCRIPTION = (
    "Work-based learning tasks aligned to standards; rubric scores by teacher or employer reach "
    "the gradebook."
)
"""What an LMS admin and teachers read next to the tool: Moodle's tool card (about four short
lines before it scrolls), its activity chooser and course tool list; Canvas's developer keys."""

CUSTOM_PARAMETERS: dict[str, str] = {
    # The IMS variable for the context ids a course was copied from: lets Worklink carry a
    # course's tasks and mappings into its copy for the next term (Canvas and Moodle fill it).
    "context_id_history": "$Context.id.history",
}

CANVAS_CUSTOM_FIELDS: dict[str, str] = {
    **CUSTOM_PARAMETERS,
    # The numeric course id shown in Canvas URLs: what an admin quotes in a support request,
    # and the key for Canvas's REST API. No user-level fields: ``sub`` identifies the user
    # and the privacy level already brings names and email; a login id adds PII, no value.
    "canvas_course_id": "$Canvas.course.id",
    # The launching person's time zone (an IANA name): a teacher's becomes the course's zone
    # until a teacher sets one (lti_tool.course_time). Not personal data.
    "time_zone": "$Person.address.timezone",
}


@dataclasses.dataclass(frozen=True)
class ToolUrls:
    """The fixed URLs other parts of the system (and every LMS admin) depend on."""

    base_url: str

    @classmethod
    def from_config(cls, config: Config) -> ToolUrls:
        return cls(config.base_url.rstrip("/"))

    @property
    def login(self) -> str:
        return f"{self.base_url}/lti/login"

    @property
    def launch(self) -> str:
        """Redirect URI and target_link_uri for every message type."""
        return f"{self.base_url}/lti/launch"

    @property
    def jwks(self) -> str:
        return f"{self.base_url}/lti/jwks.json"

    @property
    def register(self) -> str:
        """Dynamic Registration initiation: Moodle's "Tool URL", Canvas's registration URL."""
        return f"{self.base_url}/lti/register"

    @property
    def icon(self) -> str:
        """The tool's icon (an SVG served by Worklink): Moodle's activity chooser, Canvas's menus."""
        return f"{self.base_url}/static/worklink-icon.svg"

    @property
    def canvas_config(self) -> str:
        return f"{self.base_url}/lti/canvas.json"

    @property
    def domain(self) -> str:
        """Host (and port, if any) of the tool, as Canvas and the DR spec want ``domain``."""
        return urlsplit(self.base_url).netloc
