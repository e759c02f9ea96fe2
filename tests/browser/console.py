"""What the browser's console said while a test walked the pages: a page should leave it quiet.

A CSP violation, a script error or a missing file shows nowhere on the page, yet it means
something the page meant to do did not happen (Trix's styles were refused, for one).
"""

from __future__ import annotations

from typing import Any


def console_errors(browser: Any) -> list[str]:
    """The console's errors since the last call (reading the log empties it); the browser
    fixture keeps the log (``goog:loggingPrefs``)."""
    return [str(entry["message"]) for entry in browser.get_log("browser")
            if entry["level"] == "SEVERE"]
