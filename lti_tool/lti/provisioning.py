"""After a valid launch: make sure the user, course, enrollment and resource link exist and are current.

Each row is one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING id), so two simultaneous first
launches of one user cannot create duplicates. A worker also remembers what it last wrote for a
launch's identity: when the same person launches the same link again with nothing changed
(the usual case, many times a day), there is nothing to write.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import threading
import time
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection

from competencies.orm import Base, utcnow
from lti_tool.db import UnitOfWork
from lti_tool.lti.launch import Launch
from lti_tool.models import Course, Enrollment, ResourceLink, User
from lti_tool.upsert import insert_for, insert_for_dialect

REMEMBER_SECONDS = 300.0
"""How long a worker trusts that rows it wrote are unchanged (also bounds ``last_launch_at``)."""


@dataclasses.dataclass(frozen=True)
class Provisioned:
    user_id: int | None
    course_id: int | None
    resource_link_pk: int | None
    link_task_id: int | None = None
    """The task the link remembers (see :mod:`lti_tool.placement`), read back by the upsert."""


class ProvisioningMemory:
    """What this worker last provisioned for each launch identity, with a digest of the values."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._entries: dict[tuple[Any, ...], tuple[float, str, Provisioned]] = {}
        self._capacity = capacity
        self._lock = threading.Lock()

    def recall(self, key: tuple[Any, ...], digest: str) -> Provisioned | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic() or entry[1] != digest:
            return None
        return entry[2]

    def remember(self, key: tuple[Any, ...], digest: str, provisioned: Provisioned) -> None:
        with self._lock:
            if len(self._entries) >= self._capacity:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + REMEMBER_SECONDS, digest, provisioned)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


def upsert(work: UnitOfWork, model: type[Base], keys: dict[str, Any], values: dict[str, Any],
           *also: str) -> Any:
    """Insert or update one row identified by ``keys``; returns its primary key, or a row of
    the key and the ``also`` columns when those are named."""
    connection = work.writer
    statement = _upsert_statement(connection.dialect.name, model, tuple(keys), tuple(values), also)
    row = connection.execute(statement, {**keys, **values}).one()
    return tuple(row) if also else int(row[0])


@functools.lru_cache(maxsize=64)
def _upsert_statement(dialect_name: str, model: type[Base], keys: tuple[str, ...],
                      values: tuple[str, ...], also: tuple[str, ...]) -> Any:
    """Built once per statement shape: SQLAlchemy caches its compiled form by the statement."""
    table = model.__table__
    # Columns with a Python-side default the statement does not name (created_at) get it from
    # Core on insert; the update sets only ``values``, so they keep what they were.
    binds = {name: bindparam(name, type_=table.c[name].type) for name in (*keys, *values)}
    statement = insert_for_dialect(dialect_name, table).values(binds)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in values},
    ).returning(table.c.id, *(table.c[name] for name in also))


def insert_ignore(connection: Connection, model: type[Base], keys: dict[str, Any],
                  values: dict[str, Any]) -> None:
    """Insert one row unless a row with ``keys`` exists (a concurrent request may have made it)."""
    table = model.__table__
    connection.execute(insert_for(connection, table).values(**keys, **values)
                       .on_conflict_do_nothing(index_elements=list(keys)))


def _identity_and_digest(launch: Launch) -> tuple[tuple[Any, ...], str]:
    context, link = launch.context, launch.resource_link
    key = (launch.registration_id, launch.deployment_pk, launch.sub,
           context.id if context else None, link.id if link else None)
    # Every value provisioning writes (dataclasses.astuple would deep-copy: spelled out instead).
    values = [launch.name, launch.given_name, launch.family_name, launch.email,
              (context.title, context.label) if context else None, launch.memberships_url,
              launch.lineitems_url, launch.lti_roles, launch.role.value,
              (link.title, link.description) if link else None, launch.custom,
              launch.lineitem_url, launch.locale]
    digest = hashlib.blake2b(json.dumps(values, sort_keys=True, default=str).encode(),
                             digest_size=16).hexdigest()
    return key, digest


def provision(work: UnitOfWork, launch: Launch,
              memory: ProvisioningMemory | None = None) -> Provisioned:
    key, digest = _identity_and_digest(launch)
    if memory is not None:
        known = memory.recall(key, digest)
        if known is not None:
            return known
    provisioned = _write(work, launch)
    if memory is not None:
        memory.remember(key, digest, provisioned)
    return provisioned


def _write(work: UnitOfWork, launch: Launch) -> Provisioned:
    now = utcnow()
    user_id = None
    if launch.sub:
        user_id = upsert(work, User, {"registration_id": launch.registration_id, "sub": launch.sub}, {
            "name": launch.name, "given_name": launch.given_name, "family_name": launch.family_name,
            "email": launch.email, "last_launch_at": now, "launch_locale": launch.locale,
        })
    course_id = None
    link_pk = None
    link_task_id = None
    if launch.context is not None:
        course_values: dict[str, Any] = {"title": launch.context.title, "label": launch.context.label}
        if launch.memberships_url:
            course_values["memberships_url"] = launch.memberships_url
        if launch.lineitems_url:
            course_values["lineitems_url"] = launch.lineitems_url
        zone = _platform_zone(launch)
        if zone:
            course_values["platform_time_zone"] = zone
        course_id = upsert(work, Course, {"deployment_id": launch.deployment_pk,
                                          "context_id": launch.context.id}, course_values)
        if user_id is not None:
            upsert(work, Enrollment, {"course_id": course_id, "user_id": user_id},
                   {"lti_roles": list(launch.lti_roles), "role": launch.role.value, "updated_at": now})
        if launch.resource_link is not None:
            link_values: dict[str, Any] = {
                "title": launch.resource_link.title, "description": launch.resource_link.description,
                "custom": launch.custom,
            }
            if launch.lineitem_url:
                link_values["lineitem_url"] = launch.lineitem_url
            link_pk, link_task_id = upsert(
                work, ResourceLink,
                {"course_id": course_id, "resource_link_id": launch.resource_link.id},
                link_values, "task_id")
    return Provisioned(user_id, course_id, link_pk, link_task_id)


def _platform_zone(launch: Launch) -> str | None:
    """The zone a teacher's launch names; a student's zone says nothing about the course."""
    from lti_tool.course_time import TIME_ZONE_PARAM, valid_zone

    if launch.role.value not in ("teacher", "teaching_assistant", "admin"):
        return None
    return valid_zone(str(launch.custom.get(TIME_ZONE_PARAM) or ""))
