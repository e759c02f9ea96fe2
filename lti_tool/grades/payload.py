"""The AGS score body, shaped as Canvas and Moodle accept it.

- Moodle requires ``userId``, ``timestamp``, ``activityProgress`` and ``gradingProgress``, and
  drops ``scoreGiven`` unless the score is ``FullyGraded``; so a score still awaiting moderation
  goes without points (``Submitted`` + ``PendingManual``: Canvas then queues it for a grader).
- Canvas re-stamps the submission time on every score post (late flags appear) unless
  ``submitted_at`` is sent in its submission extension (canvas-lms #1799); it is the student's
  real submission time, never "now". ``new_submission`` is false on a regrade, so a second
  score does not count as a second attempt.

The comment speaks the student's language (see :func:`lti_tool.grades.outbox.enqueue`), not
the page's: the page that queues a score is the teacher's or the employer's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from lti_tool.i18n import catalogue, format_number, points_text

CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
EXACT = "#,##0.####"
"""The comment writes a worth to the four decimals the rubric rounds it to (a page, to two), so
its lines add up to the score the LMS shows."""


class Grading(enum.StrEnum):
    FINAL = "final"
    """The rubric score is final: points go to the gradebook."""
    AWAITING_MODERATION = "awaiting_moderation"
    """An employer rated it; the teacher has not moderated yet: no points, a grader is needed."""
    REOPENED = "reopened"
    """Returned to the student for revision: the LMS shows the work as in progress again."""


@dataclasses.dataclass(frozen=True)
class CriterionLine:
    criterion: str
    level: str | None
    """The level's name, or ``None`` for "not observed"."""
    points: float | None
    """What the level adds to the score (``Rubric.worth``), so the lines add up to the grade."""
    maximum: float
    """What the criterion's best level adds (``Rubric.best_worth``)."""
    comment: str | None = None


@dataclasses.dataclass(frozen=True)
class GradebookScore:
    """What the scoring side hands over: a score for one student on one placed task."""

    resource_link_id: int
    """The placed task (``ResourceLink.id``)."""
    user_id: int
    """The student (``User.id``)."""
    source: str
    """The submission version the score is for, e.g. ``submission:42/v2``."""
    points: float | None
    maximum: float
    grading: Grading
    criteria: Sequence[CriterionLine] = ()
    rater: str | None = None
    """Who rated: their names ("Ana Reyes; Lucia Rivera"), sent as they are in any language."""
    rated_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    """When the student handed the work in; sent to Canvas so the LMS keeps it."""
    work_url: str | None = None
    """A link to the work, opened without a session (Canvas fetches it itself)."""
    comment: str | None = None
    """An overall comment, put above the criterion lines."""


def iso(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with whole seconds and an explicit offset (Moodle parses it strictly)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def comment_text(score: GradebookScore, language: str = "en") -> str:
    """One line per criterion in the grade's own terms ("Communication: Proficient, 5 of 7.5
    points"), then the total the LMS shows, in ``language``: Worklink's words and the numbers
    are the language's, the rubric's criterion and level names stay as the teacher wrote them."""
    words = catalogue(language)

    def worth(points: float, maximum: float) -> str:
        return words.gettext("%(value)s of %(top)s") % {
            "value": format_number(points, language, EXACT),
            "top": points_text(maximum, language, EXACT)}

    lines = [score.comment.strip()] if score.comment and score.comment.strip() else []
    for line in score.criteria:
        if line.points is None:
            rated = words.gettext("not observed, does not count")
        else:
            given = worth(line.points, line.maximum)
            rated = f"{line.level}, {given}" if line.level else given
        text = f"{line.criterion}: {rated}"
        if line.comment and line.comment.strip():
            text += f" ({' '.join(line.comment.split())})"
        lines.append(text)
    if score.criteria and score.points is not None:
        lines.append(words.gettext("Total: %(score)s")
                     % {"score": worth(score.points, score.maximum)})
    if score.rater:
        lines.append(words.gettext("Rated by %(rater)s") % {"rater": score.rater})
    return "\n".join(lines)


def score_body(score: GradebookScore, *, timestamp: dt.datetime, new_submission: bool,
               language: str = "en") -> dict[str, Any]:
    """The score JSON without ``userId``, which the sender adds from the user's ``sub``; its
    comment in ``language``."""
    # scoreMaximum goes even without points: it is what a column made on demand is worth.
    body: dict[str, Any] = {"timestamp": iso(timestamp), "scoreMaximum": score.maximum}
    if score.grading is Grading.FINAL:
        if score.points is None:
            raise ValueError("a final score needs points")
        body.update(scoreGiven=score.points, activityProgress="Completed",
                    gradingProgress="FullyGraded")
    elif score.grading is Grading.AWAITING_MODERATION:
        body.update(activityProgress="Submitted", gradingProgress="PendingManual")
    else:
        body.update(activityProgress="InProgress", gradingProgress="NotReady")
    text = comment_text(score, language)
    if text:
        body["comment"] = text
    if score.submitted_at is not None:
        body["submission"] = {"submittedAt": iso(score.submitted_at)}
    canvas: dict[str, Any] = {"new_submission": new_submission}
    if score.submitted_at is not None:
        canvas["submitted_at"] = iso(score.submitted_at)
    if score.work_url:
        canvas.update(submission_type="online_url", submission_data=score.work_url)
    body[CANVAS_SUBMISSION] = canvas
    return body
