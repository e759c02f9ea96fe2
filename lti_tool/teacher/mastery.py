"""The teacher's mastery heatmap, its CSV, and one cell's evidence."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import select

from competencies.mastery.heatmap import Heatmap, Student, course_heatmap
from competencies.mastery.standing import course_policy
from competencies.models import Evidence, Item
from competencies.tasks.vocabulary import ContinuumStage
from lti_tool.db import db_session
from lti_tool.i18n import format_number, shown_message, translate
from lti_tool.models import Course, Enrollment, User
from lti_tool.security import require
from lti_tool.teacher.evidence_sources import evidence_sources
from lti_tool.teacher.views import TEACHING, bp

PATTERN_CLASSES = 5


def students_of(course_id: int) -> list[Student]:
    return [Student(str(user.id), user.display_name) for user in db_session().scalars(
        select(User).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course_id, Enrollment.role == "student"))]


@bp.get("/course/<int:course_id>/mastery")
@require(*TEACHING)
def mastery(course_id: int) -> str | Response:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    wanted = {k: request.args.get(k) or None for k in ("framework", "pathway", "stage")}
    sort = request.args.get("sort", "name")
    heatmap = course_heatmap(session, course_id, students_of(course_id), sort=sort, **wanted)
    _, scale = course_policy(session, course_id)
    labels = [level.label for level in scale.levels]
    if request.args.get("format") == "csv":
        return _csv(heatmap, course)
    every = heatmap.every_column
    # Typed as url_for's **values (Any): a str would also match its _anchor, _scheme, _external.
    chosen: dict[str, Any] = {k: v for k, v in wanted.items() if v}
    return render_template(
        "teacher/mastery.html", course=course, heatmap=heatmap, wanted=wanted, sort=sort,
        rows=_rows(heatmap, labels), labels=labels,
        short=abbreviations([translate(label) for label in labels]),
        csv_url=url_for("teacher.mastery", course_id=course_id, format="csv", sort=sort,
                            **chosen),
        level_class={label: _level_class(i, len(labels)) for i, label in enumerate(labels)},
        frameworks=sorted({c.framework for c in every}),
        pathways=sorted({p for c in every for p in c.pathways}),
        stages=sorted({s for c in every for s in c.stages}),
        stage_names={stage.value: translate(stage.label) for stage in ContinuumStage})


def _level_class(index: int, count: int) -> str:
    return f"lv-{round(index * (PATTERN_CLASSES - 1) / max(count - 1, 1))}"


def abbreviations(labels: list[str]) -> dict[str, str]:
    """The shortest prefix of each level's name that no other level shares (legend-backed)."""
    found = {}
    for label in labels:
        size = 1
        while size < len(label) and any(o != label and o.lower().startswith(label[:size].lower())
                                        for o in labels):
            size += 1
        found[label] = label[:size]
    return found


def _rows(heatmap: Heatmap, labels: list[str]) -> list[Markup]:
    """Each student's row as markup, built here: Jinja would spend most of the page's time
    on 75,000 cells of a large class, and each cell is one of a handful of shapes."""
    shown = abbreviations([translate(label) for label in labels])
    shapes = {label: (_level_class(i, len(labels)), escape(shown[translate(label)]))
              for i, label in enumerate(labels)}
    columns = [c.item_id for c in heatmap.columns]
    empty = '<td class="lv-none">—</td>'
    nothing: dict[int, tuple[float | None, str | None, bool]] = {}
    # A cell's class and text depend only on its value and level, which take few distinct
    # values: each pair is formatted once, not once per cell.
    faces: dict[tuple[float, str | None], tuple[str, str]] = {}
    rows = []
    for student in heatmap.students:
        ref = student.ref
        row = heatmap.cells.get(ref, nothing)
        parts = [f'<tr><th scope="row">{escape(student.name)}</th>']
        append = parts.append
        for item in columns:
            cell = row.get(item)
            if cell is None or (value := cell[0]) is None:
                append(empty)
                continue
            face = faces.get((value, cell[1]))
            if face is None:
                css, short = shapes.get(cell[1] or "", ("lv-none", ""))
                face = faces[value, cell[1]] = (f'<td class="{css}"><a href="mastery/',
                                                f'">{format_number(value)} {short}</a></td>')
            append(f"{face[0]}{ref}/{item}{face[1]}")
        append("</tr>")
        rows.append(Markup("".join(parts)))
    return rows


def _csv(heatmap: Heatmap, course: Course) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Student"),
                     *(f"{c.code} {shown_message(c.statement)}".strip()
                       for c in heatmap.columns)])
    for student in heatmap.students:
        row = [student.name]
        for column in heatmap.columns:
            cell = heatmap.cell(student.ref, column.item_id)
            row.append("" if cell is None or cell[0] is None
                       else f"{cell[0]:g} {translate(cell[1])}")
        writer.writerow(row)
    name = f"mastery-{course.context_id}.csv".replace('"', "")
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/course/<int:course_id>/mastery/<int:user_id>/<int:item_id>")
@require(*TEACHING)
def mastery_cell(course_id: int, user_id: int, item_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    enrolled = session.scalar(select(Enrollment.id).where(
        Enrollment.course_id == course_id, Enrollment.user_id == user_id))
    user = session.get(User, user_id)
    item = session.get(Item, item_id)
    if enrolled is None or user is None or item is None:
        abort(404)  # not a member of this course: nothing of theirs is shown here
    evidence = session.scalars(select(Evidence).where(
        Evidence.course_id == course_id, Evidence.learner_ref == str(user_id),
        Evidence.item_id == item_id).order_by(Evidence.rated_at.desc(), Evidence.id.desc())).all()
    return render_template("teacher/mastery_cell.html", course=course, student=user, item=item,
                           evidence=evidence,
                           sources=evidence_sources(session, course_id, evidence))
