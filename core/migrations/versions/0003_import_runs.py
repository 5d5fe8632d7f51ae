"""import_runs: bulk imports of people from CSV/XLSX (core/imports.py)

Revision ID: 0003_import_runs
Revises: 0002_profile_keys
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.migrate import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0003_import_runs'
down_revision: str | Sequence[str] | None = '0002_profile_keys'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('import_runs',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('nama_berkas', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('kunci_berkas', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('baris_dibaca', sa.Integer(), nullable=False),
    sa.Column('diterima', sa.Integer(), nullable=False),
    sa.Column('ditolak', sa.Integer(), nullable=False),
    sa.Column('kunci_ditolak', sa.String(length=300), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.Uuid(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_import_runs_requested_by_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_import_runs_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_import_runs'))
    )
    op.create_index('ix_import_runs_tenant_id_requested_at', 'import_runs', ['tenant_id', 'requested_at'], unique=False)
    enable_tenant_rls("import_runs")


def downgrade() -> None:
    op.drop_index('ix_import_runs_tenant_id_requested_at', table_name='import_runs')
    op.drop_table('import_runs')
