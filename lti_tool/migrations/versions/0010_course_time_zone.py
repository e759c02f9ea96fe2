"""course time zone: the zone a teacher set, and the one the platform sent

Revision ID: 0010_course_time_zone
Revises: 0009_registration_disabled_at
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0010_course_time_zone'
down_revision: str | None = '0009_registration_disabled_at'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('platform_time_zone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('platform_time_zone')
        batch_op.drop_column('time_zone')
