"""pemberdayaan: anggota (members of a group or community), stimulan (Pasal 17 huruf d, Pasal 18 huruf d)

Revision ID: 0001_pemberdayaan
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.sdk import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0001_pemberdayaan'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('pemberdayaan',)
depends_on: str | Sequence[str] | None = '0001_core'


def upgrade() -> None:
    op.create_table('pemberdayaan_anggota',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('peran', sa.String(length=20), nullable=False),
    sa.Column('ditambahkan_oleh', sa.Uuid(), nullable=True),
    sa.Column('ditambahkan_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ditambahkan_oleh'], ['users.id'], name=op.f('fk_pemberdayaan_anggota_ditambahkan_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_pemberdayaan_anggota_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'person_id'], ['persons.tenant_id', 'persons.id'], name=op.f('fk_pemberdayaan_anggota_tenant_id_person_id_persons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pemberdayaan_anggota_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pemberdayaan_anggota')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'person_id', name=op.f('uq_pemberdayaan_anggota_tenant_id_case_id_person_id'))
    )
    op.create_index('ix_pemberdayaan_anggota_tenant_person', 'pemberdayaan_anggota', ['tenant_id', 'person_id'], unique=False)
    op.create_table('pemberdayaan_stimulan',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('nilai', sa.BigInteger(), nullable=False),
    sa.Column('sumber_dana', sa.String(length=40), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('uraian', sa.String(length=500), nullable=True),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_pemberdayaan_stimulan_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_pemberdayaan_stimulan_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pemberdayaan_stimulan_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pemberdayaan_stimulan'))
    )
    op.create_index('ix_pemberdayaan_stimulan_tenant_case', 'pemberdayaan_stimulan', ['tenant_id', 'case_id'], unique=False)
    for table in ("pemberdayaan_anggota", "pemberdayaan_stimulan"):
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_index('ix_pemberdayaan_stimulan_tenant_case', table_name='pemberdayaan_stimulan')
    op.drop_table('pemberdayaan_stimulan')
    op.drop_index('ix_pemberdayaan_anggota_tenant_person', table_name='pemberdayaan_anggota')
    op.drop_table('pemberdayaan_anggota')
