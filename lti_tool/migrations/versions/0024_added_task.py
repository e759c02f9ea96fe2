"""added task: what the picker sent to a course, until a link to it is first opened

Revision ID: 0024_added_task
Revises: 0023_task_asked_artifacts
Create Date: 2026-12-07 12:30:00

Tasks placed before this are known from their links' launches only; nothing to fill in.
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa
import competencies.orm


revision: str = '0024_added_task'
down_revision: str | None = '0023_task_asked_artifacts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'added_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('added_at', competencies.orm.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'],
                                name=op.f('fk_added_task_course_id_course'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['wbl_task.id'],
                                name=op.f('fk_added_task_task_id_wbl_task'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_added_task')),
        sa.UniqueConstraint('course_id', 'task_id', name=op.f('uq_added_task_course_id_task_id')),
    )
    with op.batch_alter_table('added_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_added_task_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('added_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_added_task_task_id'))
    op.drop_table('added_task')
