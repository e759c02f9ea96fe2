"""each task chooses the kinds of file it accepts and may lower the size limit per file

Existing tasks accept every kind at the instance's limit, as every task did before.

Revision ID: 0019_task_file_policy
Revises: 0018_evidence_moderation
Create Date: 2026-12-07 05:00:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0019_task_file_policy'
down_revision: str | None = '0018_evidence_moderation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVERY_GROUP = '["images", "pdf", "office", "video", "audio"]'


def upgrade() -> None:
    with op.batch_alter_table('wbl_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_groups', sa.JSON(), server_default=EVERY_GROUP,
                                      nullable=False))
        batch_op.add_column(sa.Column('file_max_bytes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('wbl_task', schema=None) as batch_op:
        batch_op.drop_column('file_max_bytes')
        batch_op.drop_column('file_groups')
