"""item search

Full-text search over item codes, statements and keywords, and a case-blind code index.

PostgreSQL: a stored generated ``tsvector`` column (english) with a GIN index; ranking reads the
stored vector instead of re-parsing every matched statement. SQLite: an FTS5 table whose content
is the ``item`` table itself (nothing stored twice), kept in step by triggers. The ORM models
none of these; ``lti_tool.migrate.include_object`` keeps autogenerate from dropping them.
``competencies.search`` must query exactly these expressions (copied, not imported: a
migration is a snapshot and must not change when the code does). A later migration that
rebuilds ``item`` on SQLite (Alembic batch mode copies the table) drops the triggers and must
create them again; tests/competencies/test_search.py fails if it does not.

Revision ID: 0003_item_search
Revises: 0002_competency_frameworks
Create Date: 2026-11-23 05:50:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003_item_search"
down_revision: str | None = "0002_competency_frameworks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Codes weigh most, then the statements, then keywords and notes (ts_rank's A > B > C > D).
_POSTGRES_VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce(human_coding_scheme, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, full_statement), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(abbreviated_statement, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, keywords::text), 'C')
    || setweight(to_tsvector('english'::regconfig, coalesce(notes, '')), 'D')
"""

_SQLITE_COLUMNS = "human_coding_scheme, full_statement, abbreviated_statement, keywords, notes"
_SQLITE_NEW = ("new.id, new.human_coding_scheme, new.full_statement, new.abbreviated_statement, "
               "new.keywords, new.notes")
_SQLITE_OLD = ("old.id, old.human_coding_scheme, old.full_statement, old.abbreviated_statement, "
               "old.keywords, old.notes")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE item ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({_POSTGRES_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_item_search_vector ON item USING gin (search_vector)")
        # Collation "C": LIKE 'prefix%' can use the index whatever the database's collation,
        # and the matches come out of it already in code order (no sort before the LIMIT).
        op.execute("CREATE INDEX ix_item_code_lower ON item "
                   "((lower(human_coding_scheme)) COLLATE \"C\", id)")
    elif dialect == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE item_search USING fts5({_SQLITE_COLUMNS}, "
                   "content='item', content_rowid='id', "
                   "tokenize='porter unicode61 remove_diacritics 2')")
        op.execute(f"INSERT INTO item_search(rowid, {_SQLITE_COLUMNS}) "
                   f"SELECT id, {_SQLITE_COLUMNS} FROM item")
        # External-content FTS5: a delete must hand back the old values (the 'delete' command).
        op.execute(f"CREATE TRIGGER item_search_insert AFTER INSERT ON item BEGIN "
                   f"INSERT INTO item_search(rowid, {_SQLITE_COLUMNS}) VALUES ({_SQLITE_NEW}); "
                   f"END")
        op.execute(f"CREATE TRIGGER item_search_delete AFTER DELETE ON item BEGIN "
                   f"INSERT INTO item_search(item_search, rowid, {_SQLITE_COLUMNS}) "
                   f"VALUES ('delete', {_SQLITE_OLD}); END")
        op.execute(f"CREATE TRIGGER item_search_update AFTER UPDATE OF {_SQLITE_COLUMNS} "
                   f"ON item BEGIN "
                   f"INSERT INTO item_search(item_search, rowid, {_SQLITE_COLUMNS}) "
                   f"VALUES ('delete', {_SQLITE_OLD}); "
                   f"INSERT INTO item_search(rowid, {_SQLITE_COLUMNS}) VALUES ({_SQLITE_NEW}); "
                   f"END")
        # A collated column, not an expression index: SQLAlchemy cannot reflect those on SQLite.
        op.execute("CREATE INDEX ix_item_code_nocase ON item (human_coding_scheme COLLATE NOCASE)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_item_code_lower")
        op.execute("DROP INDEX IF EXISTS ix_item_search_vector")
        op.execute("ALTER TABLE item DROP COLUMN IF EXISTS search_vector")
    elif dialect == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_item_code_nocase")
        for trigger in ("item_search_insert", "item_search_delete", "item_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS item_search")
