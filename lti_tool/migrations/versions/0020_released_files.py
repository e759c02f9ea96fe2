"""stored files no artifact needs any more, waiting for the purge job to delete their bytes

Revision ID: 0020_released_files
Revises: 0019_task_file_policy
Create Date: 2026-12-07 05:20:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa
import competencies.orm


revision: str = '0020_released_files'
down_revision: str | None = '0019_task_file_policy'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('released_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('released_at', competencies.orm.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_released_file'))
    )


def downgrade() -> None:
    op.drop_table('released_file')
