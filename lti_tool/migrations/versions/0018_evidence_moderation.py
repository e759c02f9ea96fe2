"""evidence remembers how a teacher moderated the employer's rating it came from

Revision ID: 0018_evidence_moderation
Revises: 0017_uploads
Create Date: 2026-12-07 01:50:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0018_evidence_moderation'
down_revision: str | None = '0017_uploads'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderation', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('moderation')
