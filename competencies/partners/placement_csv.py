"""A whole class placed from one CSV file, all or nothing, with a located report.

Columns (header names are case- and space-insensitive; order is free):

``student``, ``partner``, ``supervisor_email``, ``task``, ``start_date``, ``end_date`` are
required; ``expected_hours``, ``supervisor_name``, ``supervisor_title``, ``supervisor_phone``
and ``supervisor_language`` are optional. A student is named by email or LMS login, a partner
by its name in the tenant's list, a task by its title (or number) in the course's library. A
supervisor not yet known at that partner is added when the row gives ``supervisor_name``.
Dates are ``YYYY-MM-DD`` or the US ``M/D/YYYY`` a spreadsheet writes.

Every row is checked before anything is stored; one problem anywhere and nothing is stored,
and the report says where each problem is (line and column).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.partners.directory import (
    PartnerError,
    SupervisorDraft,
    name_key,
)
from competencies.partners.model import Placement, Supervisor
from competencies.partners.placements import Roster, check_dates_and_hours, partners_and_supervisors
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task

REQUIRED = ("student", "partner", "supervisor_email", "task", "start_date", "end_date")
OPTIONAL = ("expected_hours", "supervisor_name", "supervisor_title", "supervisor_phone",
            "supervisor_language")
MAX_ROWS = 5000

_ProblemFn = Callable[[str | None, str], None]


@dataclasses.dataclass(frozen=True)
class Problem:
    line: int
    """The file's line number (the header is line 1); 0 for the file as a whole."""
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the file"
        return f"{where}{f', column {self.column!r}' if self.column else ''}: {self.message}"


@dataclasses.dataclass
class PlacementReport:
    created: list[Placement] = dataclasses.field(default_factory=list)
    supervisors_added: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclasses.dataclass(frozen=True)
class _Row:
    line: int
    student_id: int
    partner_id: int
    supervisor: Supervisor | SupervisorDraft
    task_id: int
    starts_on: dt.date
    ends_on: dt.date
    expected_hours: float | None


def import_placements(session: Session, context: CourseContext, roster: Roster,
                      text: str) -> PlacementReport:
    """Read ``text``; store every placement, or none and say why (``report.problems``)."""
    report = PlacementReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        report.problems.append(Problem(0, None, "The file is empty; it needs a header line."))
        return report
    columns = {_header(name): name for name in reader.fieldnames if name is not None}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.problems.append(Problem(1, None, "Missing column" + ("s" if len(missing) > 1
                                       else "") + ": " + ", ".join(missing)
                                       + f". Required: {', '.join(REQUIRED)}."))
        return report

    partners, supervisors = partners_and_supervisors(session, context)
    tasks = _tasks(session, context)
    seen: dict[tuple[int, int, int], int] = {}
    existing = {(student, task, partner) for student, task, partner in session.execute(
        select(Placement.student_id, Placement.task_id, Placement.partner_id)
        .where(Placement.course_id == context.course_id))}
    new_supervisors: dict[tuple[int, str], SupervisorDraft] = {}
    rows: list[_Row] = []
    for number, record in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            report.problems.append(Problem(number, None, f"At most {MAX_ROWS} rows per file."))
            break
        line = reader.line_num
        values = {key: (record.get(original) or "").strip() for key, original in columns.items()}
        if not any(values.values()):
            continue
        problems_before = len(report.problems)

        def problem(column: str | None, message: str, line: int = line) -> None:
            report.problems.append(Problem(line, column, message))

        for column in REQUIRED:
            if not values[column]:
                problem(column, "This is empty.")
        if len(report.problems) > problems_before:
            continue
        student_id = roster.get(values["student"].casefold())
        if student_id is None:
            problem("student", f"No student “{values['student']}” in this course's roster.")
        partner = partners.get(name_key(values["partner"]))
        if partner is None:
            problem("partner", f"No partner “{values['partner']}” in the list; add it first.")
        task_id = tasks.get(values["task"].casefold())
        if task_id is None:
            problem("task", f"No task “{values['task']}” in this course's library.")
        starts_on = _date(values["start_date"], "start_date", problem)
        ends_on = _date(values["end_date"], "end_date", problem)
        hours = _hours(values.get("expected_hours", ""), problem)
        if starts_on and ends_on:
            for message in check_dates_and_hours(starts_on, ends_on, hours):
                problem("end_date" if "ends" in message else "expected_hours", message)
        supervisor: Supervisor | SupervisorDraft | None = None
        if partner is not None:
            try:
                draft = SupervisorDraft(
                    name=values.get("supervisor_name", "") or "-", email=values["supervisor_email"],
                    title=values.get("supervisor_title", ""),
                    phone=values.get("supervisor_phone", ""),
                    language=(values.get("supervisor_language", "") or "en").lower(),
                ).checked()
            except PartnerError as exc:
                column = "supervisor_language" if "English" in str(exc) else "supervisor_email"
                problem(column, str(exc))
            else:
                key = (partner.id, draft.email)
                supervisor = supervisors.get(key) or new_supervisors.get(key)
                if supervisor is None:
                    if not values.get("supervisor_name"):
                        problem("supervisor_email",
                                f"{draft.email} is not a supervisor at {partner.name}; give "
                                "supervisor_name to add them.")
                    else:
                        supervisor = new_supervisors[key] = draft
        if len(report.problems) > problems_before:
            continue
        assert student_id is not None and partner is not None and task_id is not None
        assert starts_on is not None and ends_on is not None and supervisor is not None
        identity = (student_id, task_id, partner.id)
        if identity in seen:
            problem(None, f"Duplicate of line {seen[identity]}: the same student, task and "
                          "partner.")
            continue
        if identity in existing:
            problem(None, "This student is already placed with this partner for this task.")
            continue
        seen[identity] = line
        rows.append(_Row(line, student_id, partner.id, supervisor, task_id, starts_on, ends_on,
                         hours))

    if not rows and not report.problems:
        report.problems.append(Problem(0, None, "The file has a header but no placements."))
    if report.problems:
        return report
    stored: dict[tuple[int, str], Supervisor] = {}
    for (partner_id, email), draft in new_supervisors.items():
        new = stored[(partner_id, email)] = Supervisor(
            partner_id=partner_id, name=draft.name, email=draft.email, title=draft.title,
            phone=draft.phone, language=draft.language)
        session.add(new)
    session.flush()
    for row in rows:
        sup = row.supervisor if isinstance(row.supervisor, Supervisor) \
            else stored[(row.partner_id, row.supervisor.email)]
        placement = Placement(
            registration_id=context.registration_id, course_id=context.course_id,
            student_id=row.student_id, partner_id=row.partner_id, supervisor_id=sup.id,
            task_id=row.task_id, starts_on=row.starts_on, ends_on=row.ends_on,
            expected_hours=row.expected_hours)
        session.add(placement)
        report.created.append(placement)
    session.commit()
    report.supervisors_added = len(stored)
    return report


def _header(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


def _tasks(session: Session, context: CourseContext) -> dict[str, int]:
    """Tasks the course can see, by lower-cased title and by number; a shared title is left
    out of the title map (ambiguous), so such a row must name the task by number."""
    found: dict[str, int] = {}
    ambiguous: set[str] = set()
    for task_id, title in session.execute(
            select(Task.id, func.lower(Task.title)).where(library.visible_to(context))):
        key = title.strip()
        if key in found:
            ambiguous.add(key)
        found[key] = task_id
        found[str(task_id)] = task_id
    for key in ambiguous:
        found.pop(key, None)
    return found


def _date(value: str, column: str, problem: _ProblemFn) -> dt.date | None:
    for form in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    problem(column, f"“{value}” is not a date; write YYYY-MM-DD (or M/D/YYYY).")
    return None


def _hours(value: str, problem: _ProblemFn) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        problem("expected_hours", f"“{value}” is not a number of hours.")
        return None


