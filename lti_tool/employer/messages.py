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


def refusals(gettext: Callable[[str], str]) -> Mapping[str, str]:
    """Why a link did not open, by reason, in the language ``gettext`` speaks."""
    _ = gettext
    return {
        "refused_tampered": _("This link is not valid. It may have been cut off or changed when "
                              "it was copied. Open it again from the email, or ask the teacher "
                              "for a new one."),
        "refused_expired": _("This link has expired. Ask the teacher for a new one."),
        "refused_revoked": _("This link was withdrawn by the teacher (a newer link may have "
                             "been sent). Use the latest email, or ask the teacher."),
        "refused_other_tenant": _("This link was not issued by this school's Worklink. Ask the "
                                  "teacher for a new one."),
        "refused_rate": _("Too many attempts. Wait a minute and try again."),
        "refused_missing": _("Open the link from the email you received."),
    }
