"""Alembic environment: always given a connection by :mod:`lti_tool.migrate`."""

from alembic import context

from lti_tool.migrate import include_object, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=True,  # SQLite can only ALTER by copying the table
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
