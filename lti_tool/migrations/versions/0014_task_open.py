"""task open: a student opened a placed task

Revision ID: 0014_task_open
Revises: 0013_employer_scoring
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa
import competencies.orm


revision: str = '0014_task_open'
down_revision: str | None = '0013_employer_scoring'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'task_open',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('first_opened_at', competencies.orm.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resource_link_id'], ['resource_link.id'],
                                name=op.f('fk_task_open_resource_link_id_resource_link'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'],
                                name=op.f('fk_task_open_user_id_lms_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_open')),
        sa.UniqueConstraint('resource_link_id', 'user_id',
                            name=op.f('uq_task_open_resource_link_id_user_id')),
    )
    with op.batch_alter_table('task_open', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_open_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_open', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_open_user_id'))
    op.drop_table('task_open')
