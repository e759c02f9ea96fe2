"""The employer's languages, and the words their pages and emails share.

The words are translated through Worklink's catalogue (Flask-Babel on the pages, the same
catalogue loaded directly for the worker's emails); a supervisor's page and email are in their
preferred language, and the page can be switched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = ("en", "es")


def language(preferred: str | None) -> str:
    return preferred if preferred in LANGUAGES else "en"


def refusals(gettext: Callable[[str], str]) -> Mapping[str, tuple[str, str]]:
    """Why a link did not open, by reason, as the page's title and what to do next, in the
    language ``gettext`` speaks."""
    _ = gettext
    return {
        "refused_tampered": (_("This link is not valid"),
                             _("It may have been cut off or changed when it was copied. Open it "
                               "again from the email, or ask the teacher for a new one.")),
        "refused_expired": (_("This link has expired"),
                            _("Ask the teacher who sent it to you for a new one.")),
        "refused_revoked": (_("This link was withdrawn by the teacher"),
                            _("A newer link may have been sent to you. Use the latest email, or "
                              "ask the teacher.")),
        "refused_other_tenant": (_("This link was not issued by this school's Worklink"),
                                 _("Ask the teacher who sent it to you for a new one.")),
        "refused_rate": (_("Too many attempts"), _("Wait a minute and try again.")),
        "refused_visit_ended": (_("This page was open too long"),
                                _("Nothing was sent. Open the link again from the email you "
                                  "received: what was saved as a draft is still there.")),
        "refused_missing": (_("Open the link from the email you received"),
                            _("This page opens only through the link the teacher emailed to "
                              "you; no account or password is needed.")),
    }
