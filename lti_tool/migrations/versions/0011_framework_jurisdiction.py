"""framework jurisdiction

Revision ID: 0011_framework_jurisdiction
Revises: 0010_course_time_zone
Create Date: 2026-12-06 23:00:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0011_framework_jurisdiction'
down_revision: str | None = '0010_course_time_zone'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jurisdiction', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('framework', schema=None) as batch_op:
        batch_op.drop_column('jurisdiction')
