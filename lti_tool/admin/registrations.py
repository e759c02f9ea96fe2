"""What the operator does to whole registrations: turn them off and on, and remove them.

Removal refuses while anything still belongs to the registration beyond its deployments
(people who launched, courses, tasks, and whatever later tables point at a registration or a
deployment): the database would cascade the delete into teachers' and students' work, so an
operator turns such a registration off instead. A registration nobody has used (a mistaken or
repeated Dynamic Registration) is removed with its deployments, leaving nothing behind.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.orm import Base, utcnow
from lti_tool.lti.registrations import RegistrationError
from lti_tool.models import Deployment, Registration

_PLAIN_NAMES = {"lms_user": "people", "course": "courses", "wbl_task": "tasks"}


def set_enabled(registration: Registration, enabled: bool) -> Registration:
    """Turn launches and service calls for a registration off or back on; the caller commits."""
    registration.disabled_at = None if enabled else (registration.disabled_at or utcnow())
    return registration


def what_still_belongs(session: Session, registration: Registration) -> dict[str, int]:
    """Rows in other tables that point at the registration or one of its deployments."""
    deployment_ids = select(Deployment.id).where(Deployment.registration_id == registration.id)
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in (Registration.__tablename__, Deployment.__tablename__):
            continue
        for key in table.foreign_keys:
            target = key.column.table.name
            if target == Registration.__tablename__:
                condition = key.parent == registration.id
            elif target == Deployment.__tablename__:
                condition = key.parent.in_(deployment_ids)
            else:
                continue
            count = session.scalar(select(func.count()).select_from(table).where(condition)) or 0
            if count:
                found[table.name] = found.get(table.name, 0) + count
    return found


def remove(session: Session, registration: Registration) -> None:
    """Delete an unused registration and its deployments; the caller commits."""
    still = what_still_belongs(session, registration)
    if still:
        listed = ", ".join(f"{count} {_PLAIN_NAMES.get(table, table)}"
                           for table, count in sorted(still.items()))
        raise RegistrationError(
            f"{registration.name} is in use ({listed}); removing it would delete that work. "
            "Turn it off instead (worklink platform disable)")
    session.delete(registration)
