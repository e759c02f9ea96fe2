"""a mastery standing keeps the running totals its value came from

Revision ID: 0022_standing_tally
Revises: 0021_grade_problem_message
Create Date: 2026-12-07 04:50:00

Standings written before this have no tally: the next rating for each recomputes it from all
its evidence and writes one.
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0022_standing_tally'
down_revision: str | None = '0021_grade_problem_message'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('mastery_standing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tally', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mastery_standing', schema=None) as batch_op:
        batch_op.drop_column('tally')
