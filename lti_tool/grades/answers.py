"""What a platform's answer to a grade request means, and what the teacher can do about it.

Classified on the numeric status first, then on the body's words: the status text is no guide
(over HTTP/2 Canvas's 422 reads "422 Unknown"). The classes follow what production tools
learned (see the LTI notes): retry transient trouble, throttling and an expired token; park
everything else with the reason in words, so one bad score never stops a batch.
"""

from __future__ import annotations

import dataclasses
import enum

from competencies.messages import N_, Message


class AnswerKind(enum.StrEnum):
    DELIVERED = "delivered"
    ALREADY_RECORDED = "already_recorded"
    """409 to a score sent again after a crash: the first send had arrived."""
    NEWER_IN_LMS = "newer_in_lms"
    """The LMS holds a grade newer than this one (Moodle 409, Canvas 400 on the timestamp)."""
    TRANSIENT = "transient"
    RATE_LIMITED = "rate_limited"
    TOKEN = "token"
    CONFIGURATION = "configuration"
    LINE_ITEM_GONE = "line_item_gone"
    NOT_GRADABLE = "not_gradable"
    COURSE_CLOSED = "course_closed"
    REFUSED = "refused"
    """Any other 4xx: the platform refused what Worklink sent."""


RETRIED = frozenset({AnswerKind.TRANSIENT, AnswerKind.RATE_LIMITED, AnswerKind.TOKEN})


@dataclasses.dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    words: Message
    """The problem and what to do, in a sentence or two a teacher understands (translated
    where the teacher reads it; ``str()`` is the English)."""
    status: int | None = None
    body: str = ""
    retry_after: float | None = None


def classify_score_answer(status: int, body: str, *, resent: bool,
                          retry_after: float | None = None) -> Answer:
    """What a score POST's answer means; ``resent`` when this row was tried before."""
    text = body.lower()

    def answer(kind: AnswerKind, words: Message) -> Answer:
        return Answer(kind, words, status, body[:2000], retry_after)

    if 200 <= status < 300:
        return answer(AnswerKind.DELIVERED, _NONE)
    if status == 429 or (status == 403 and "rate limit" in text):
        # Canvas throttles with 403 "Rate Limit Exceeded" as well as 429.
        return answer(AnswerKind.RATE_LIMITED, Message(
            N_("The LMS asked Worklink to slow down; the grade will be sent shortly.")))
    if status >= 500:
        return answer(AnswerKind.TRANSIENT, Message(
            N_("The LMS had a problem (%(status)s); Worklink will try again."), status=status))
    if status == 401:
        if "scope" in text:
            return answer(AnswerKind.CONFIGURATION, _NO_GRADE_SCOPE)
        return answer(AnswerKind.TOKEN, Message(N_(
            "The LMS did not accept Worklink's access token; Worklink will get a new one and "
            "try again.")))
    if status == 403:
        return answer(AnswerKind.CONFIGURATION, _NO_GRADE_SCOPE)
    if status == 409:
        if resent:
            return answer(AnswerKind.ALREADY_RECORDED, _NONE)
        return answer(AnswerKind.NEWER_IN_LMS, _NEWER)
    if status == 404:
        if "course" in text and ("conclude" in text or "not found" in text and "line" not in text):
            return answer(AnswerKind.COURSE_CLOSED, _CLOSED)
        return answer(AnswerKind.LINE_ITEM_GONE, _GONE)
    if status in (400, 422):
        if "not a student" in text or "user not found" in text or "incorrect score received" \
                in text or "not a member" in text or "not gradable" in text:
            return answer(AnswerKind.NOT_GRADABLE, _NOT_GRADABLE)
        if "conclude" in text or "soft-concluded" in text or "course is not active" in text:
            return answer(AnswerKind.COURSE_CLOSED, _CLOSED)
        if "timestamp" in text and ("before" in text or "newer" in text or "older" in text):
            return answer(AnswerKind.NEWER_IN_LMS, _NEWER)
        if "unpublished" in text:
            return answer(AnswerKind.CONFIGURATION, Message(N_(
                "The assignment is unpublished in the LMS. Publish it, then choose Send again.")))
    return answer(AnswerKind.REFUSED, Message(
        N_("The LMS refused this grade (%(status)s): %(answer)s. Ask your Worklink "
           "administrator to look at it."), status=status, answer=_first_words(body)))


def transport_failure(reason: str) -> Answer:
    return Answer(AnswerKind.TRANSIENT, Message(
        N_("Worklink could not reach the LMS (%(reason)s); it will try again."), reason=reason))


def token_refused(status: int, body: str) -> Answer:
    if status >= 500 or status == 429:
        return Answer(AnswerKind.TRANSIENT, Message(
            N_("The LMS's sign-in service had a problem (%(status)s); Worklink will try again."),
            status=status), status, body[:2000])
    return Answer(AnswerKind.CONFIGURATION, Message(
        N_("The LMS refused Worklink's credentials for sending grades (%(answer)s). An "
           "administrator must check Worklink's registration in the LMS (its keys and grade "
           "scopes), then choose Send again."), answer=_first_words(body)),
        status, body[:2000])


_NONE = Message("")
_NO_GRADE_SCOPE = Message(N_(
    "The LMS does not let Worklink send grades. An administrator must allow the grade "
    "(Assignment and Grade Services) scopes for Worklink, then choose Send again."))
_NEWER = Message(N_(
    "The LMS already holds a newer grade for this student (perhaps entered in the LMS "
    "gradebook), so Worklink did not overwrite it."))
_GONE = Message(N_(
    "The gradebook column for this task no longer exists in the LMS (it was deleted). Choose "
    "Send again to create a new column, or place the task again."))
_NOT_GRADABLE = Message(N_(
    "The LMS cannot grade this person in this course (a teacher previewing, a test student, or "
    "a student who left the course). Nothing more will be sent."))
_CLOSED = Message(N_(
    "The course is closed (concluded) in the LMS, so it takes no more grades. Reopen the course "
    "in the LMS, then choose Send again."))


def _first_words(body: str, limit: int = 160) -> str:
    words = " ".join(body.split())
    return (words[:limit] + "…") if len(words) > limit else (words or "no explanation given")
