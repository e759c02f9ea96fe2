"""a final score can be the teacher's score of a submission, with no placement

Revision ID: 0025_final_score_of_a_submission
Revises: 0024_added_task
Create Date: 2026-12-07 12:10:00

final_rubric_score gains submission_id, and placement_id may be empty: each row has exactly one
of the two. Existing rows are all placements' and keep their key.

On SQLite, making placement_id nullable copies the table and drops the old one; with foreign
keys on (lti_tool.db), that drop deletes the final_rubric_criterion rows that cascade from it.
So they are kept aside in a temporary table and put back once the new table stands.
"""
from collections.abc import Callable, Sequence

from alembic import op
import sqlalchemy as sa


revision: str = '0025_final_score_of_a_submission'
down_revision: str | None = '0024_added_task'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _keeping_criteria(change: Callable[[], None]) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMPORARY TABLE kept_final_criterion AS "
                   "SELECT * FROM final_rubric_criterion")
    change()
    if sqlite:
        op.execute("DELETE FROM final_rubric_criterion")
        op.execute("INSERT INTO final_rubric_criterion SELECT * FROM kept_final_criterion")
        op.execute("DROP TABLE kept_final_criterion")


def upgrade() -> None:
    def change() -> None:
        with op.batch_alter_table('final_rubric_score', schema=None) as batch_op:
            batch_op.add_column(sa.Column('submission_id', sa.Integer(), nullable=True))
            batch_op.alter_column('placement_id', existing_type=sa.Integer(), nullable=True)
            batch_op.create_unique_constraint(
                batch_op.f('uq_final_rubric_score_submission_id'), ['submission_id'])
            batch_op.create_foreign_key(
                batch_op.f('fk_final_rubric_score_submission_id_work_submission'),
                'work_submission', ['submission_id'], ['id'], ondelete='CASCADE')
            batch_op.create_check_constraint(
                batch_op.f('ck_final_rubric_score_one_key'),
                '(placement_id IS NULL) <> (submission_id IS NULL)')

    _keeping_criteria(change)


def downgrade() -> None:
    op.execute("DELETE FROM final_rubric_score WHERE placement_id IS NULL")

    def change() -> None:
        with op.batch_alter_table('final_rubric_score', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_final_rubric_score_one_key'), type_='check')
            batch_op.drop_constraint(
                batch_op.f('fk_final_rubric_score_submission_id_work_submission'),
                type_='foreignkey')
            batch_op.drop_constraint(batch_op.f('uq_final_rubric_score_submission_id'),
                                     type_='unique')
            batch_op.alter_column('placement_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column('submission_id')

    _keeping_criteria(change)
