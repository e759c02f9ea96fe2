"""a grade's delivery problem is kept as a template with its values, to be shown translated

Rows written before keep their English sentence (``problem``), which the page shows as it is.

Revision ID: 0021_grade_problem_message
Revises: 0020_released_files
Create Date: 2026-12-07 05:40:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0021_grade_problem_message'
down_revision: str | None = '0020_released_files'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('grade_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem_message', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('grade_outbox', schema=None) as batch_op:
        batch_op.drop_column('problem_message')
