"""What a piece of evidence was rated on, in words and with a link the teacher may follow.

Evidence keeps references as the grade pipeline wrote them (``placement:12``, artifact ids
``"41,42"``); a teacher reads "Amani Okafor at Sunrise Bakery (Bakery internship)" and the file's
name instead, each a link to the page of this course that shows it. A reference to something
outside the course, or that no longer exists, is said in words without a link.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from flask import url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Evidence
from competencies.partners.model import Partner, Placement
from competencies.tasks.model import Task
from competencies.work.model import Artifact, Submission
from lti_tool.i18n import person_name
from lti_tool.models import User

_PLACEMENT = "placement:"


@dataclasses.dataclass(frozen=True)
class Source:
    """One thing the evidence refers to: its words, and a link when the teacher may open it."""

    text: str
    url: str | None = None


def evidence_sources(session: Session, course_id: int,
                     evidence: Sequence[Evidence]) -> dict[int, list[Source]]:
    """Each evidence row's sources (by evidence id): the placement, then the artifacts."""
    placement_ids = {_placement_id(e.submission_ref) for e in evidence} - {None}
    placements = {
        pid: (student, partner, task) for pid, student, partner, task in session.execute(
            select(Placement.id, User, Partner.name, Task.title)
            .join(User, User.id == Placement.student_id)
            .join(Partner, Partner.id == Placement.partner_id)
            .join(Task, Task.id == Placement.task_id)
            .where(Placement.id.in_(placement_ids), Placement.course_id == course_id))
    } if placement_ids else {}
    artifact_ids = {int(a) for e in evidence for a in _artifact_refs(e.artifact) if a.isdigit()}
    artifacts = {
        artifact.id: (artifact, submission_id) for artifact, submission_id in session.execute(
            select(Artifact, Submission.id).join(Submission,
                                                 Submission.id == Artifact.submission_id)
            .where(Artifact.id.in_(artifact_ids), Submission.course_id == course_id))
    } if artifact_ids else {}
    found: dict[int, list[Source]] = {}
    for row in evidence:
        sources = found.setdefault(row.id, [])
        placement_id = _placement_id(row.submission_ref)
        if placement_id in placements:
            student, partner, task = placements[placement_id]
            sources.append(Source(
                gettext("%(student)s at %(partner)s (%(task)s)", student=person_name(student),
                        partner=partner, task=task),
                url_for("teacher.placement_links", course_id=course_id,
                        placement_id=placement_id)))
        elif placement_id is not None:
            sources.append(Source(gettext("A placement this page cannot show")))
        for ref in _artifact_refs(row.artifact):
            if ref.isdigit() and int(ref) in artifacts:
                artifact, submission_id = artifacts[int(ref)]
                sources.append(Source(_artifact_name(artifact), url_for(
                    "teacher.submission", course_id=course_id, submission_id=submission_id)))
            else:
                sources.append(Source(gettext("An artifact this page cannot show")))
    return found


def _placement_id(ref: str | None) -> int | None:
    if ref and ref.startswith(_PLACEMENT) and ref[len(_PLACEMENT):].isdigit():
        return int(ref[len(_PLACEMENT):])
    return None


def _artifact_refs(stored: str | None) -> list[str]:
    return [part.strip() for part in (stored or "").split(",") if part.strip()]


def _artifact_name(artifact: Artifact) -> str:
    names = {"file": gettext("A file"), "link": gettext("A link"),
             "reflection": gettext("The reflection"), "hours": gettext("The hours log"),
             "sign_off": gettext("The supervisor's sign-off")}
    return artifact.filename or artifact.url or names.get(artifact.kind, gettext("An artifact"))
