"""console form submissions: a form submitted twice acts once (issue 8)

Revision ID: 0009_console_forms
Revises: 0008_job_idempotency
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = '0009_console_forms'
down_revision: str | Sequence[str] | None = '0008_job_idempotency'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # core/console/models.py ConsoleSubmission: inserted with the action a form runs; a second
    # POST of the same form blocks on the primary key, then goes to the first one's result.
    op.create_table('console_submissions',
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('result_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_console_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_console_submissions'))
    )
    op.create_index('ix_console_submissions_created_at', 'console_submissions', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_console_submissions_created_at', table_name='console_submissions')
    op.drop_table('console_submissions')
