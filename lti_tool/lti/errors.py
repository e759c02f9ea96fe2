"""Why a launch or a registration was refused, in words a teacher or an LMS admin can act on."""

from __future__ import annotations


class LaunchError(Exception):
    def __init__(self, message: str, *, code: str, status: int = 422, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        """A stable short name for logs and tests (``bad_signature``, ``nonce_reused``…)."""
        self.status = status
        self.hint = hint


class DynamicRegistrationError(Exception):
    """Registration failed; the message is written for the LMS admin who is watching."""

    def __init__(self, message: str, *, status: int = 400, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint
