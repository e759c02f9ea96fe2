"""The sandbox LMS's own state: its key, people, course, placements, gradebook.

A dev tool must not grow Worklink's schema, so this is a small SQLite file of its own in the
instance folder, with its own ``MetaData`` (never Worklink's ``Base``) and no migrations: the
tables are created on startup, and deleting the file resets the sandbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

platform_key = Table(
    "platform_key", metadata,
    Column("id", Integer, primary_key=True),
    Column("private_pem", Text, nullable=False),
    Column("public_pem", Text, nullable=False),
)
person = Table(
    "person", metadata,
    Column("id", Integer, primary_key=True),
    Column("sub", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("given_name", String(100), nullable=False),
    Column("family_name", String(100), nullable=False),
    Column("email", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # "Instructor" or "Learner"
)
course = Table(
    "course", metadata,
    Column("id", Integer, primary_key=True),
    Column("context_id", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("label", String(50), nullable=False),
)
enrollment = Table(
    "enrollment", metadata,
    Column("course_id", ForeignKey("course.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)
placement = Table(
    "placement", metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", ForeignKey("course.id"), nullable=False),
    Column("resource_link_id", String(64), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("url", String(1000), nullable=True),
    Column("custom", Text, nullable=False, default="{}"),
)
lineitem = Table(
    "lineitem", metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", ForeignKey("course.id"), nullable=False),
    Column("label", String(300), nullable=False),
    Column("score_maximum", Float, nullable=False),
    Column("resource_id", String(300), nullable=True),
    Column("tag", String(300), nullable=True),
    Column("resource_link_id", String(64), nullable=True),
    Column("start_date_time", String(40), nullable=True),
    Column("end_date_time", String(40), nullable=True),
)
score = Table(
    "score", metadata,
    Column("id", Integer, primary_key=True),
    Column("lineitem_id", ForeignKey("lineitem.id", ondelete="CASCADE"), nullable=False),
    Column("user_sub", String(64), nullable=False),
    Column("score_given", Float, nullable=True),
    Column("score_maximum", Float, nullable=True),
    Column("comment", Text, nullable=True),
    Column("activity_progress", String(20), nullable=False),
    Column("grading_progress", String(20), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("timestamp_epoch", Float, nullable=False),
    UniqueConstraint("lineitem_id", "user_sub"),
)
score_log = Table(
    # Every score the gradebook accepted, in order: shows whether a tool ever sent one twice.
    "score_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("lineitem_id", ForeignKey("lineitem.id", ondelete="CASCADE"), nullable=False),
    Column("user_sub", String(64), nullable=False),
    Column("score_given", Float, nullable=True),
    Column("timestamp", String(40), nullable=False),
)
score_submission = Table(
    # Canvas's submission extension as the last score carried it (a table of its own, so a
    # sandbox file made before it existed gains it from create_all).
    "score_submission", metadata,
    Column("id", Integer, primary_key=True),
    Column("lineitem_id", ForeignKey("lineitem.id", ondelete="CASCADE"), nullable=False),
    Column("user_sub", String(64), nullable=False),
    Column("submitted_at", String(40), nullable=True),
    Column("new_submission", Boolean, nullable=True),
    Column("submission_type", String(40), nullable=True),
    Column("submission_data", Text, nullable=True),
    # How many scores asked for a new submission (attempt), as Canvas counts them.
    Column("submissions", Integer, nullable=False, default=0),
    UniqueConstraint("lineitem_id", "user_sub"),
)
deep_link_request = Table(
    "deep_link_request", metadata,
    Column("data", String(64), primary_key=True),
    Column("course_id", ForeignKey("course.id"), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("answered", Boolean, nullable=False, default=False),
)
used_token_id = Table(
    "used_token_id", metadata,
    # Client-assertion jti and deep-linking nonce values already seen: a replay is refused.
    Column("value", String(300), primary_key=True),
    Column("expires_at", Float, nullable=False),
)

COURSE_TITLE = "WBL Seminar (Sandbox)"


@dataclasses.dataclass(frozen=True)
class SeedPerson:
    sub: str
    given_name: str
    family_name: str
    email: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


SEED_PEOPLE = (
    SeedPerson("sandbox-teacher-rivera", "Lucia", "Rivera", "lucia.rivera@sandbox.test", "Instructor"),
    SeedPerson("sandbox-student-amani", "Amani", "Okafor", "amani.okafor@sandbox.test", "Learner"),
    SeedPerson("sandbox-student-bao", "Bao", "Tran", "bao.tran@sandbox.test", "Learner"),
    SeedPerson("sandbox-student-carmen", "Carmen", "Díaz", "carmen.diaz@sandbox.test", "Learner"),
)


class SandboxStore:
    """The sandbox's SQLite file: one engine, short transactions, safe for a few workers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # The timeout lets a second gunicorn worker wait for the first one's write lock.
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 15}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (commits on success)."""
        with self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def create(self) -> None:
        """Create the tables and seed the course once; run under the startup lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        metadata.create_all(self.engine)
        with self.begin() as conn:
            if conn.scalar(select(platform_key.c.id)) is None:
                private_pem, public_pem = _new_rsa_pem_pair()
                conn.execute(insert(platform_key).values(id=1, private_pem=private_pem,
                                                         public_pem=public_pem))
            if conn.scalar(select(course.c.id)) is None:
                _seed_course(conn)

    def key_pair(self) -> tuple[str, str]:
        with self.read() as conn:
            row = conn.execute(select(platform_key.c.private_pem, platform_key.c.public_pem)).one()
        return row.private_pem, row.public_pem

    def dispose(self) -> None:
        self.engine.dispose()


def _seed_course(conn: Connection) -> None:
    course_id = conn.execute(
        insert(course).values(context_id="sandbox-course-1", title=COURSE_TITLE, label="WBL-SBX")
        .returning(course.c.id)
    ).scalar_one()
    for p in SEED_PEOPLE:
        person_id = conn.execute(insert(person).values(
            sub=p.sub, name=p.name, given_name=p.given_name, family_name=p.family_name,
            email=p.email, role=p.role,
        ).returning(person.c.id)).scalar_one()
        conn.execute(insert(enrollment).values(course_id=course_id, person_id=person_id))
    # One placement out of the box, so the demo can launch before any deep linking.
    conn.execute(insert(placement).values(
        course_id=course_id, resource_link_id="sandbox-link-1", title="Worklink",
        text="Work-based learning for this course", url=None, custom="{}",
    ))


def remember_token_id(conn: Connection, value: str, expires_at: float) -> bool:
    """Record a one-time value (a jti, a nonce); False when it was seen before."""
    conn.execute(delete(used_token_id).where(used_token_id.c.expires_at < time.time()))
    if conn.scalar(select(used_token_id.c.value).where(used_token_id.c.value == value)):
        return False
    conn.execute(insert(used_token_id).values(value=value, expires_at=expires_at))
    return True


def new_opaque_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


def custom_params(row: Any) -> dict[str, str]:
    value = json.loads(row.custom or "{}")
    return {str(k): str(v) for k, v in value.items()}


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _new_rsa_pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
