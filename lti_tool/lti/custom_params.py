"""Which task a resource link opens, carried in its custom parameters and signed.

A deep-linking response puts the task reference into the link's custom parameters; the platform
sends them back on every launch of that link. Anyone who can edit the link in the LMS (a course
designer, a student with a crafted Canvas placement) can change them, so the reference carries an
HMAC: a changed task id or course is detected, never silently followed.

The reference also names the course it was made for. A link copied with its course (Canvas and
Moodle course copy) still verifies but names the old course: :class:`TaskReference` reports it
and the caller decides (copy the task, or ask a teacher), rather than this module calling a copy
"tampering".
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

from competencies.messages import N_, Refused
from lti_tool.signing import Purpose, Signer

TASK = "worklink_task"
COURSE = "worklink_course"
SIGNATURE = "worklink_sig"
_VERSION = b"worklink-task-reference/v1"


class TamperedTaskReference(Refused):
    """The custom parameters name a task but do not carry a valid signature for it."""


@dataclasses.dataclass(frozen=True)
class TaskReference:
    task_id: int
    course_context: str
    """The LMS context id the link was made in; differs from the launch's after a course copy."""

    def made_for(self, context_id: str | None) -> bool:
        return context_id is not None and hmac.compare_digest(self.course_context, context_id)


def sign_task_reference(task_id: int, course_context: str, *,
                        secret: str | bytes | None = None) -> dict[str, str]:
    """The custom parameters for a link to ``task_id`` placed in the course ``course_context``."""
    if isinstance(task_id, bool) or not isinstance(task_id, int) or task_id < 0:
        raise ValueError(f"task id must be a non-negative integer, not {task_id!r}")
    task = str(task_id)
    mac = _signer(secret).mac(Purpose.TASK_REFERENCE, _message(task, course_context))[:16]
    return {TASK: task, COURSE: course_context, SIGNATURE: _b64(mac)}


def read_task_reference(custom: Mapping[str, Any], *,
                        secret: str | bytes | None = None,
                        fallbacks: Iterable[str | bytes] = ()) -> TaskReference | None:
    """The task a launch's custom parameters point at; ``None`` when they name no task.

    Raises :class:`TamperedTaskReference` when a task is named but the signature is missing or
    does not match (edited id, edited course, a signature from another Worklink instance).
    Old signing secrets in ``fallbacks`` (``WORKLINK_PREVIOUS_SECRET_KEYS`` by default) still
    verify, so rotating the secret does not break every link already placed in courses.
    """
    task = _text(custom.get(TASK))
    if task is None:
        return None
    course = _text(custom.get(COURSE))
    signature = _text(custom.get(SIGNATURE))
    if course is None or signature is None:
        raise TamperedTaskReference(N_("This link names a Worklink task but is not signed by "
                                       "Worklink, so it cannot be trusted. Ask your teacher to "
                                       "add the task again from Worklink."))
    try:
        mac = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError:
        mac = b""
    if not _signer(secret, fallbacks).verify_mac(Purpose.TASK_REFERENCE, _message(task, course), mac):
        raise TamperedTaskReference(N_("This link's task reference was changed after Worklink "
                                       "made it (its signature does not match), so it was not "
                                       "opened. Ask your teacher to add the task again from "
                                       "Worklink."))
    if not task.isdigit():  # pragma: no cover - only reachable with a signing secret in hand
        raise TamperedTaskReference(N_("This link names an invalid task id “%(task)s”."),
                                    task=task)
    return TaskReference(int(task), course)


def _message(task: str, course: str) -> bytes:
    # Length-prefixed fields: "1" + "23" and "12" + "3" must not sign alike.
    return b"|".join([_VERSION, str(len(task)).encode(), task.encode(), course.encode()])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _signer(secret: str | bytes | None, fallbacks: Iterable[str | bytes] = ()) -> Signer:
    if secret is None:
        from lti_tool.signing import signer

        return signer()
    return Signer(secret, tuple(fallbacks))


def _text(value: Any) -> str | None:
    # Canvas sends custom values as strings; a platform that sends the number 42 means "42".
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value else None
