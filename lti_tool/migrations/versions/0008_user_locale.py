"""user locale: the launch's locale and the language a person chose

Revision ID: 0008_user_locale
Revises: 0007_grade_outbox
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0008_user_locale'
down_revision: str | None = '0007_grade_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('launch_locale', sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.drop_column('launch_locale')
