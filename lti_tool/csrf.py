"""Form tokens: a POST must carry a token tied to the launch session that drew the form.

The session itself may ride in the URL (``_wl``) when the LMS iframe keeps no cookie, so
SameSite cannot protect forms; this token, an HMAC of the launch id, can.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, request
from flask_babel import gettext

from lti_tool.security import current_principal

FIELD = "csrf_token"


def csrf_token() -> str:
    """A form token tied to this session (its launch id), so another site cannot post for it."""
    principal = current_principal()
    if principal is None:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"worklink-form:{principal.launch_id}".encode(),
                    hashlib.sha256).hexdigest()


def check_csrf() -> None:
    """Refuse (403) a form posted without this session's token."""
    sent = request.form.get(FIELD, "")
    if not sent or not hmac.compare_digest(sent, csrf_token()):
        abort(403, gettext("This form has expired or did not come from Worklink. "
                           "Reload the page and try again."))

