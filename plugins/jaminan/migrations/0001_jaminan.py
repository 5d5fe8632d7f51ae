"""jaminan: register (Pasal 13), penyaluran (the ledger)

Revision ID: 0001_jaminan
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.sdk import enable_tenant_rls



# revision identifiers, used by Alembic.
revision: str = '0001_jaminan'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('jaminan',)
depends_on: str | Sequence[str] | None = '0001_core'


def upgrade() -> None:
    op.create_table('jaminan_register',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('nama', sa.String(length=200), nullable=False),
    sa.Column('sumber', sa.String(length=100), nullable=False),
    sa.Column('tahun', sa.Integer(), nullable=False),
    sa.Column('diimpor_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jaminan_register_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_jaminan_register')),
    sa.UniqueConstraint('tenant_id', 'nik', name=op.f('uq_jaminan_register_tenant_id_nik'))
    )
    op.create_table('jaminan_penyaluran',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('periode', sa.String(length=7), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('jumlah', sa.BigInteger(), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('penerima', sa.String(length=200), nullable=False),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_jaminan_penyaluran_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_jaminan_penyaluran_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jaminan_penyaluran_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_jaminan_penyaluran')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'periode', 'jenis', name=op.f('uq_jaminan_penyaluran_tenant_id_case_id_periode_jenis'))
    )
    for table in ("jaminan_register", "jaminan_penyaluran"):
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_table('jaminan_penyaluran')
    op.drop_table('jaminan_register')
