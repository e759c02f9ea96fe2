"""a task's kinds of artifact to hand in are stored as asked_artifacts, no longer evidence

"Evidence" is a rated rubric criterion feeding mastery; what a task asks the student to hand in
are artifacts. Only the column is renamed: its values (``files``, ``links``…) are unchanged.
Task versions frozen before this keep the key "evidence" in their snapshot, which the code still
reads (competencies.tasks.versions.asked_artifacts_of).

Revision ID: 0023_task_asked_artifacts
Revises: 0022_standing_tally
Create Date: 2026-12-07 11:33:10
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0023_task_asked_artifacts'
down_revision: str | None = '0022_standing_tally'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# recreate='never': SQLite (3.25 and later) renames a column in place. Batch mode's default
# would copy wbl_task and drop the old table, and with foreign keys on (lti_tool.db) that drop
# deletes the task versions that cascade from it, or is refused for those submissions point to.


def upgrade() -> None:
    with op.batch_alter_table('wbl_task', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('evidence', new_column_name='asked_artifacts',
                              existing_type=sa.JSON(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('wbl_task', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('asked_artifacts', new_column_name='evidence',
                              existing_type=sa.JSON(), existing_nullable=False)
