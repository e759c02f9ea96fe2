"""After a valid launch: make sure the user, course, enrollment and resource link exist and are current.

Each row is one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING id) so a launch costs a fixed
handful of statements however often the same person launches, and two simultaneous first launches
of one user cannot create duplicates.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from competencies.orm import Base, utcnow
from lti_tool.lti.launch import Launch
from lti_tool.models import Course, Enrollment, ResourceLink, User


@dataclasses.dataclass(frozen=True)
class Provisioned:
    user_id: int | None
    course_id: int | None
    resource_link_pk: int | None


def upsert(session: Session, model: type[Base], keys: dict[str, Any], values: dict[str, Any]) -> int:
    """Insert or update one row identified by ``keys``; returns its primary key."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**keys, **values)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    table = model.__table__  # type: ignore[attr-defined]
    return int(session.execute(statement.returning(table.c.id)).scalar_one())


def insert_ignore(session: Session, model: type[Base], keys: dict[str, Any],
                  values: dict[str, Any]) -> None:
    """Insert one row unless a row with ``keys`` exists (a concurrent request may have made it)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**keys, **values).on_conflict_do_nothing(
        index_elements=list(keys)))


def provision(session: Session, launch: Launch) -> Provisioned:
    now = utcnow()
    user_id = None
    if launch.sub:
        user_id = upsert(session, User, {"registration_id": launch.registration_id, "sub": launch.sub}, {
            "name": launch.name, "given_name": launch.given_name, "family_name": launch.family_name,
            "email": launch.email, "last_launch_at": now,
        })
    course_id = None
    link_pk = None
    if launch.context is not None:
        course_values: dict[str, Any] = {"title": launch.context.title, "label": launch.context.label}
        if launch.memberships_url:
            course_values["memberships_url"] = launch.memberships_url
        if launch.lineitems_url:
            course_values["lineitems_url"] = launch.lineitems_url
        course_id = upsert(session, Course, {"deployment_id": launch.deployment_pk,
                                             "context_id": launch.context.id}, course_values)
        if user_id is not None:
            upsert(session, Enrollment, {"course_id": course_id, "user_id": user_id},
                   {"lti_roles": list(launch.lti_roles), "role": launch.role.value, "updated_at": now})
        if launch.resource_link is not None:
            link_values: dict[str, Any] = {
                "title": launch.resource_link.title, "description": launch.resource_link.description,
                "custom": launch.custom,
            }
            if launch.lineitem_url:
                link_values["lineitem_url"] = launch.lineitem_url
            link_pk = upsert(session, ResourceLink, {"course_id": course_id,
                                                     "resource_link_id": launch.resource_link.id},
                             link_values)
    return Provisioned(user_id, course_id, link_pk)
