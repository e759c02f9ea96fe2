"""registration disabled_at

Revision ID: 0009_registration_disabled_at
Revises: 0008_user_locale
Create Date: 2026-12-06 23:10:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa
import competencies.orm


revision: str = '0009_registration_disabled_at'
down_revision: str | None = '0008_user_locale'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', competencies.orm.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
