"""job idempotency keys: a job with side effects takes effect once (issue 6)

Revision ID: 0008_job_idempotency
Revises: 0007_login_security
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import JSONDoc
from core.migrate import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0008_job_idempotency'
down_revision: str | Sequence[str] | None = '0007_login_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # core/jobs.py JobKey: a job's idempotency key and what to run, written with the request
    # that enqueues it, marked done in the job's own transaction.
    op.create_table('job_keys',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('job', sa.String(length=200), nullable=False),
    sa.Column('spec', JSONDoc, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rq_job_id', sa.String(length=100), nullable=False),
    sa.Column('requeued', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_job_keys_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'key', name=op.f('pk_job_keys'))
    )
    op.create_index('ix_job_keys_tenant_id_status_created_at', 'job_keys', ['tenant_id', 'status', 'created_at'], unique=False)
    enable_tenant_rls("job_keys")


def downgrade() -> None:
    op.drop_index('ix_job_keys_tenant_id_status_created_at', table_name='job_keys')
    op.drop_table('job_keys')
