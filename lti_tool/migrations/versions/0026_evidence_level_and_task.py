"""evidence says what was rated in the rubric's own words: the level's name and the task

Revision ID: 0026_evidence_level_and_task
Revises: 0025_final_score_of_a_submission
Create Date: 2026-12-07 12:40:00

Evidence recorded before this has neither: pages show its points, as they did.
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0026_evidence_level_and_task'
down_revision: str | None = '0025_final_score_of_a_submission'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('task_title', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('task_title')
        batch_op.drop_column('level')
