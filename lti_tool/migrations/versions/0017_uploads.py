"""resumable uploads

Revision ID: 0017_uploads
Revises: 0016_student_work
Create Date: 2026-12-07 01:50:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa
import competencies.orm


revision: str = '0017_uploads'
down_revision: str | None = '0016_student_work'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('upload',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('declared_type', sa.String(length=200), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('created_at', competencies.orm.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', competencies.orm.UtcDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', competencies.orm.UtcDateTime(timezone=True), nullable=True),
    sa.Column('refused', sa.String(length=40), nullable=True),
    sa.Column('file_key', sa.String(length=200), nullable=True),
    sa.Column('media_type', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_upload_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['work_submission.id'], name=op.f('fk_upload_submission_id_work_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_upload_user_id_lms_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload'))
    )
    op.create_index('ix_upload_expires_at', 'upload', ['expires_at'], unique=False)
    op.create_index(op.f('ix_upload_submission_id'), 'upload', ['submission_id'], unique=False)
    op.create_index(op.f('ix_upload_user_id'), 'upload', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_upload_user_id'), table_name='upload')
    op.drop_index(op.f('ix_upload_submission_id'), table_name='upload')
    op.drop_index('ix_upload_expires_at', table_name='upload')
    op.drop_table('upload')
