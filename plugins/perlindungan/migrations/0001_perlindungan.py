"""perlindungan: kejadian (Pasal 28 ayat (2)), terdampak, penyaluran (the ledger), kegiatan of
advokasi sosial and bantuan hukum

Revision ID: 0001_perlindungan
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.sdk import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0001_perlindungan'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('perlindungan',)
depends_on: str | Sequence[str] | None = '0001_core'


def upgrade() -> None:
    op.create_table('perlindungan_kejadian',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nama', sa.String(length=300), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('tanggal_mulai', sa.Date(), nullable=False),
    sa.Column('lokasi', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('koordinasi_bnpb_tanggal', sa.Date(), nullable=True),
    sa.Column('koordinasi_bnpb_keterangan', sa.String(length=500), nullable=True),
    sa.Column('ditutup_tanggal', sa.Date(), nullable=True),
    sa.Column('ditutup_keterangan', sa.String(length=500), nullable=True),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_perlindungan_kejadian_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_perlindungan_kejadian_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_perlindungan_kejadian'))
    )
    op.create_index('ix_perlindungan_kejadian_tenant_id_status', 'perlindungan_kejadian', ['tenant_id', 'status'], unique=False)
    op.create_table('perlindungan_terdampak',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kejadian_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (household_id IS NULL)', name=op.f('ck_perlindungan_terdampak_satu_subjek')),
    sa.ForeignKeyConstraint(['tenant_id', 'household_id'], ['households.tenant_id', 'households.id'], name=op.f('fk_perlindungan_terdampak_tenant_id_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'kejadian_id'], ['perlindungan_kejadian.tenant_id', 'perlindungan_kejadian.id'], name=op.f('fk_perlindungan_terdampak_tenant_id_kejadian_id_perlindungan_kejadian'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'person_id'], ['persons.tenant_id', 'persons.id'], name=op.f('fk_perlindungan_terdampak_tenant_id_person_id_persons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_perlindungan_terdampak_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_perlindungan_terdampak')),
    sa.UniqueConstraint('tenant_id', 'kejadian_id', 'household_id', name=op.f('uq_perlindungan_terdampak_tenant_id_kejadian_id_household_id')),
    sa.UniqueConstraint('tenant_id', 'kejadian_id', 'person_id', name=op.f('uq_perlindungan_terdampak_tenant_id_kejadian_id_person_id'))
    )
    op.create_index('ix_perlindungan_terdampak_tenant_id_household_id', 'perlindungan_terdampak', ['tenant_id', 'household_id'], unique=False)
    op.create_index('ix_perlindungan_terdampak_tenant_id_person_id', 'perlindungan_terdampak', ['tenant_id', 'person_id'], unique=False)
    op.create_table('perlindungan_kegiatan',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('bentuk', sa.String(length=63), nullable=False),
    sa.Column('kegiatan', sa.String(length=63), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('uraian', sa.String(length=2000), nullable=False),
    sa.Column('status_anak', sa.String(length=40), nullable=True),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_perlindungan_kegiatan_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_perlindungan_kegiatan_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_perlindungan_kegiatan_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_perlindungan_kegiatan'))
    )
    op.create_index('ix_perlindungan_kegiatan_tenant_id_case_id_tanggal', 'perlindungan_kegiatan', ['tenant_id', 'case_id', 'tanggal'], unique=False)
    op.create_table('perlindungan_penyaluran',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kejadian_id', sa.Uuid(), nullable=False),
    sa.Column('sifat', sa.String(length=20), nullable=False),
    sa.Column('jenis', sa.String(length=63), nullable=False),
    sa.Column('jumlah', sa.Integer(), nullable=True),
    sa.Column('satuan', sa.String(length=40), nullable=True),
    sa.Column('nilai_rupiah', sa.BigInteger(), nullable=True),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('penerima', sa.String(length=200), nullable=False),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_perlindungan_penyaluran_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_perlindungan_penyaluran_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'kejadian_id'], ['perlindungan_kejadian.tenant_id', 'perlindungan_kejadian.id'], name=op.f('fk_perlindungan_penyaluran_tenant_id_kejadian_id_perlindungan_kejadian'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_perlindungan_penyaluran_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_perlindungan_penyaluran')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'jenis', 'tanggal', name=op.f('uq_perlindungan_penyaluran_tenant_id_case_id_jenis_tanggal'))
    )
    op.create_index('ix_perlindungan_penyaluran_tenant_id_kejadian_id_tanggal', 'perlindungan_penyaluran', ['tenant_id', 'kejadian_id', 'tanggal'], unique=False)
    for table in ("perlindungan_kejadian", "perlindungan_terdampak", "perlindungan_kegiatan", "perlindungan_penyaluran"):
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_index('ix_perlindungan_penyaluran_tenant_id_kejadian_id_tanggal', table_name='perlindungan_penyaluran')
    op.drop_table('perlindungan_penyaluran')
    op.drop_index('ix_perlindungan_kegiatan_tenant_id_case_id_tanggal', table_name='perlindungan_kegiatan')
    op.drop_table('perlindungan_kegiatan')
    op.drop_index('ix_perlindungan_terdampak_tenant_id_person_id', table_name='perlindungan_terdampak')
    op.drop_index('ix_perlindungan_terdampak_tenant_id_household_id', table_name='perlindungan_terdampak')
    op.drop_table('perlindungan_terdampak')
    op.drop_index('ix_perlindungan_kejadian_tenant_id_status', table_name='perlindungan_kejadian')
    op.drop_table('perlindungan_kejadian')
