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

from competencies.messages import N_, Message
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

_ProblemFn = Callable[[str | None, Message], None]


@dataclasses.dataclass(frozen=True)
class Problem:
    line: int
    """The file's line number (the header is line 1); 0 for the file as a whole."""
    column: str | None
    message: Message

    @property
    def located(self) -> Message:
        """The message with where it is: “line 3, column 'task': …”."""
        column = repr(self.column)
        if self.line:
            return (Message(N_("line %(line)d, column %(column)s: %(message)s"), line=self.line,
                            column=column, message=self.message) if self.column else
                    Message(N_("line %(line)d: %(message)s"), line=self.line, message=self.message))
        return (Message(N_("the file, column %(column)s: %(message)s"), column=column,
                        message=self.message) if self.column else
                Message(N_("the file: %(message)s"), message=self.message))

    def __str__(self) -> str:
        return str(self.located)


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
        report.problems.append(Problem(0, None, Message(N_("The file is empty; it needs a header line."))))
        return report
    columns = {_header(name): name for name in reader.fieldnames if name is not None}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.problems.append(Problem(1, None, Message(
            N_("Missing columns: %(missing)s. Required: %(required)s.") if len(missing) > 1
            else N_("Missing column: %(missing)s. Required: %(required)s."),
            missing=", ".join(missing), required=", ".join(REQUIRED))))
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
            report.problems.append(Problem(number, None, Message(
                N_("At most %(max)d rows per file."), max=MAX_ROWS)))
            break
        line = reader.line_num
        values = {key: (record.get(original) or "").strip() for key, original in columns.items()}
        if not any(values.values()):
            continue
        problems_before = len(report.problems)

        def problem(column: str | None, message: Message, line: int = line) -> None:
            report.problems.append(Problem(line, column, message))

        for column in REQUIRED:
            if not values[column]:
                problem(column, Message(N_("This is empty.")))
        if len(report.problems) > problems_before:
            continue
        student_id = roster.get(values["student"].casefold())
        if student_id is None:
            problem("student", Message(N_("No student “%(student)s” in this course's roster."),
                                       student=values["student"]))
        partner = partners.get(name_key(values["partner"]))
        if partner is None:
            problem("partner", Message(N_("No partner “%(partner)s” in the list; add it first."),
                                       partner=values["partner"]))
        task_id = tasks.get(values["task"].casefold())
        if task_id is None:
            problem("task", Message(N_("No task “%(task)s” in this course's library."),
                                    task=values["task"]))
        starts_on = _date(values["start_date"], "start_date", problem)
        ends_on = _date(values["end_date"], "end_date", problem)
        hours = _hours(values.get("expected_hours", ""), problem)
        if starts_on and ends_on:
            for message in check_dates_and_hours(starts_on, ends_on, hours):
                problem("end_date" if "ends" in message.template else "expected_hours", message)
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
                for message in exc.messages:
                    problem(column, message)
            else:
                key = (partner.id, draft.email)
                supervisor = supervisors.get(key) or new_supervisors.get(key)
                if supervisor is None:
                    if not values.get("supervisor_name"):
                        problem("supervisor_email", Message(
                            N_("%(email)s is not a supervisor at %(partner)s; give "
                               "supervisor_name to add them."),
                            email=draft.email, partner=partner.name))
                    else:
                        supervisor = new_supervisors[key] = draft
        if len(report.problems) > problems_before:
            continue
        assert student_id is not None and partner is not None and task_id is not None
        assert starts_on is not None and ends_on is not None and supervisor is not None
        identity = (student_id, task_id, partner.id)
        if identity in seen:
            problem(None, Message(N_("Duplicate of line %(line)d: the same student, task and "
                                     "partner."), line=seen[identity]))
            continue
        if identity in existing:
            problem(None, Message(N_("This student is already placed with this partner for "
                                     "this task.")))
            continue
        seen[identity] = line
        rows.append(_Row(line, student_id, partner.id, supervisor, task_id, starts_on, ends_on,
                         hours))

    if not rows and not report.problems:
        report.problems.append(Problem(0, None, Message(N_("The file has a header but no placements."))))
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
    problem(column, Message(N_("“%(value)s” is not a date; write YYYY-MM-DD (or M/D/YYYY)."),
                            value=value))
    return None


def _hours(value: str, problem: _ProblemFn) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        problem("expected_hours", Message(N_("“%(value)s” is not a number of hours."),
                                          value=value))
        return None


