"""lks: lembaga, operator, pendaftaran, izin, laporan, dokumen, pelanggaran, sanksi, peringatan,
pengaturan, penomoran

Revision ID: 0001_lks
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.sdk import JSONDoc, enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0001_lks'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('lks',)
depends_on: str | Sequence[str] | None = '0001_core'


TABLES = (
    "lks_pengaturan",
    "lks_penomoran",
    "lks_izin",
    "lks_laporan",
    "lks_lembaga",
    "lks_operator",
    "lks_pelanggaran",
    "lks_sanksi",
    "lks_dokumen",
    "lks_pendaftaran",
    "lks_peringatan",
)


def upgrade() -> None:
    op.create_table('lks_pengaturan',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('format_nomor', sa.String(length=100), nullable=False),
    sa.Column('diperbarui_oleh', sa.Uuid(), nullable=True),
    sa.Column('diperbarui_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diperbarui_oleh'], ['users.id'], name=op.f('fk_lks_pengaturan_diperbarui_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_pengaturan_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_lks_pengaturan'))
    )
    op.create_table('lks_penomoran',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('tahun', sa.Integer(), nullable=False),
    sa.Column('terakhir', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_penomoran_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'tahun', name=op.f('pk_lks_penomoran'))
    )
    op.create_table('lks_izin',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sa.String(length=20), nullable=False),
    sa.Column('keputusan', sa.String(length=20), nullable=False),
    sa.Column('nomor', sa.String(length=100), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('berlaku_mulai', sa.Date(), nullable=True),
    sa.Column('berlaku_sampai', sa.Date(), nullable=True),
    sa.Column('penerbit', sa.String(length=200), nullable=True),
    sa.Column('alasan', sa.Text(), nullable=True),
    sa.Column('dicabut_pada', sa.Date(), nullable=True),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_lks_izin_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_izin_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_izin_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_izin'))
    )
    op.create_index('ix_lks_izin_tenant_id_organization_id', 'lks_izin', ['tenant_id', 'organization_id'], unique=False)
    op.create_table('lks_laporan',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('periode_ke', sa.Integer(), nullable=False),
    sa.Column('periode_mulai', sa.Date(), nullable=False),
    sa.Column('periode_selesai', sa.Date(), nullable=False),
    sa.Column('tanggal_diterima', sa.Date(), nullable=False),
    sa.Column('ringkasan', sa.Text(), nullable=False),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_lks_laporan_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_laporan_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_laporan_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_laporan')),
    sa.UniqueConstraint('tenant_id', 'organization_id', 'periode_ke', name=op.f('uq_lks_laporan_tenant_id_organization_id_periode_ke'))
    )
    op.create_table('lks_lembaga',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('asing', sa.Boolean(), nullable=False),
    sa.Column('pengurus', JSONDoc, nullable=False),
    sa.Column('kegiatan', JSONDoc, nullable=False),
    sa.Column('wilayah_kerja', JSONDoc, nullable=False),
    sa.Column('negara_asal', sa.String(length=100), nullable=True),
    sa.Column('hubungan_diplomatik', sa.Boolean(), nullable=True),
    sa.Column('periode_laporan_bulan', sa.Integer(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_lembaga_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_lembaga_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'organization_id', name=op.f('pk_lks_lembaga'))
    )
    op.create_table('lks_operator',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_operator_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_operator_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lks_operator_user_id_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'user_id', name=op.f('pk_lks_operator'))
    )
    op.create_index('ix_lks_operator_tenant_id_organization_id', 'lks_operator', ['tenant_id', 'organization_id'], unique=False)
    op.create_table('lks_pelanggaran',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('periode_ke', sa.Integer(), nullable=True),
    sa.Column('tanggal_mulai', sa.Date(), nullable=False),
    sa.Column('uraian', sa.Text(), nullable=False),
    sa.Column('citation', sa.String(length=200), nullable=False),
    sa.Column('dipatuhi_pada', sa.Date(), nullable=True),
    sa.Column('berakhir_pada', sa.Date(), nullable=True),
    sa.Column('dicatat_oleh', sa.Uuid(), nullable=True),
    sa.Column('dicatat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dicatat_oleh'], ['users.id'], name=op.f('fk_lks_pelanggaran_dicatat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_pelanggaran_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_pelanggaran_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_pelanggaran')),
    sa.UniqueConstraint('tenant_id', 'organization_id', 'jenis', 'periode_ke', name=op.f('uq_lks_pelanggaran_tenant_id_organization_id_jenis_periode_ke'))
    )
    op.create_index('ix_lks_pelanggaran_tenant_id_dipatuhi_pada', 'lks_pelanggaran', ['tenant_id', 'dipatuhi_pada'], unique=False)
    op.create_table('lks_sanksi',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('pelanggaran_id', sa.Uuid(), nullable=False),
    sa.Column('langkah', sa.String(length=40), nullable=False),
    sa.Column('urutan', sa.Integer(), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('citation', sa.String(length=200), nullable=False),
    sa.Column('uraian', sa.Text(), nullable=False),
    sa.Column('jumlah_denda', sa.BigInteger(), nullable=True),
    sa.Column('ditetapkan_oleh', sa.Uuid(), nullable=True),
    sa.Column('dibuat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ditetapkan_oleh'], ['users.id'], name=op.f('fk_lks_sanksi_ditetapkan_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_sanksi_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'pelanggaran_id'], ['lks_pelanggaran.tenant_id', 'lks_pelanggaran.id'], name=op.f('fk_lks_sanksi_tenant_id_pelanggaran_id_lks_pelanggaran'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_sanksi_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_sanksi')),
    sa.UniqueConstraint('tenant_id', 'pelanggaran_id', 'langkah', name=op.f('uq_lks_sanksi_tenant_id_pelanggaran_id_langkah'))
    )
    op.create_index('ix_lks_sanksi_tenant_id_organization_id_tanggal', 'lks_sanksi', ['tenant_id', 'organization_id', 'tanggal'], unique=False)
    op.create_table('lks_dokumen',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('izin_id', sa.Uuid(), nullable=True),
    sa.Column('laporan_id', sa.Uuid(), nullable=True),
    sa.Column('jenis', sa.String(length=63), nullable=False),
    sa.Column('nama_berkas', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('ukuran', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kunci', sa.String(length=300), nullable=False),
    sa.Column('diunggah_oleh', sa.Uuid(), nullable=False),
    sa.Column('diunggah_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diunggah_oleh'], ['users.id'], name=op.f('fk_lks_dokumen_diunggah_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_lks_dokumen_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'izin_id'], ['lks_izin.tenant_id', 'lks_izin.id'], name=op.f('fk_lks_dokumen_tenant_id_izin_id_lks_izin'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'laporan_id'], ['lks_laporan.tenant_id', 'lks_laporan.id'], name=op.f('fk_lks_dokumen_tenant_id_laporan_id_lks_laporan'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_dokumen_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_dokumen_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_dokumen'))
    )
    op.create_index('ix_lks_dokumen_tenant_id_case_id', 'lks_dokumen', ['tenant_id', 'case_id'], unique=False)
    op.create_index('ix_lks_dokumen_tenant_id_organization_id', 'lks_dokumen', ['tenant_id', 'organization_id'], unique=False)
    op.create_table('lks_pendaftaran',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('berbadan_hukum', sa.Boolean(), nullable=False),
    sa.Column('wilayah_kerja', JSONDoc, nullable=False),
    sa.Column('kewenangan', sa.String(length=20), nullable=False),
    sa.Column('kode_tujuan', sa.String(length=13), nullable=True),
    sa.Column('instansi_tujuan', sa.String(length=300), nullable=False),
    sa.Column('tanggal_permohonan', sa.Date(), nullable=False),
    sa.Column('tanggal_lengkap', sa.Date(), nullable=True),
    sa.Column('jatuh_tempo', sa.Date(), nullable=True),
    sa.Column('nomor', sa.String(length=100), nullable=True),
    sa.Column('tanggal_terbit', sa.Date(), nullable=True),
    sa.Column('diterbitkan_oleh', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['diterbitkan_oleh'], ['users.id'], name=op.f('fk_lks_pendaftaran_diterbitkan_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_lks_pendaftaran_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'organization_id'], ['organizations.tenant_id', 'organizations.id'], name=op.f('fk_lks_pendaftaran_tenant_id_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_pendaftaran_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'case_id', name=op.f('pk_lks_pendaftaran')),
    sa.UniqueConstraint('tenant_id', 'nomor', name=op.f('uq_lks_pendaftaran_tenant_id_nomor'))
    )
    op.create_index('ix_lks_pendaftaran_tenant_id_jatuh_tempo', 'lks_pendaftaran', ['tenant_id', 'jatuh_tempo'], unique=False)
    op.create_index('ix_lks_pendaftaran_tenant_id_organization_id', 'lks_pendaftaran', ['tenant_id', 'organization_id'], unique=False)
    op.create_table('lks_peringatan',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sa.String(length=40), nullable=False),
    sa.Column('tanggal', sa.Date(), nullable=False),
    sa.Column('jatuh_tempo', sa.Date(), nullable=False),
    sa.Column('untuk_user_id', sa.Uuid(), nullable=True),
    sa.Column('pesan', sa.String(length=500), nullable=False),
    sa.Column('citation', sa.String(length=200), nullable=False),
    sa.Column('dibuat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_lks_peringatan_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lks_peringatan_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['untuk_user_id'], ['users.id'], name=op.f('fk_lks_peringatan_untuk_user_id_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lks_peringatan')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'jenis', name=op.f('uq_lks_peringatan_tenant_id_case_id_jenis'))
    )
    op.create_index('ix_lks_peringatan_tenant_id_untuk_user_id', 'lks_peringatan', ['tenant_id', 'untuk_user_id'], unique=False)
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_index('ix_lks_peringatan_tenant_id_untuk_user_id', table_name='lks_peringatan')
    op.drop_table('lks_peringatan')
    op.drop_index('ix_lks_pendaftaran_tenant_id_organization_id', table_name='lks_pendaftaran')
    op.drop_index('ix_lks_pendaftaran_tenant_id_jatuh_tempo', table_name='lks_pendaftaran')
    op.drop_table('lks_pendaftaran')
    op.drop_index('ix_lks_dokumen_tenant_id_organization_id', table_name='lks_dokumen')
    op.drop_index('ix_lks_dokumen_tenant_id_case_id', table_name='lks_dokumen')
    op.drop_table('lks_dokumen')
    op.drop_index('ix_lks_sanksi_tenant_id_organization_id_tanggal', table_name='lks_sanksi')
    op.drop_table('lks_sanksi')
    op.drop_index('ix_lks_pelanggaran_tenant_id_dipatuhi_pada', table_name='lks_pelanggaran')
    op.drop_table('lks_pelanggaran')
    op.drop_index('ix_lks_operator_tenant_id_organization_id', table_name='lks_operator')
    op.drop_table('lks_operator')
    op.drop_table('lks_lembaga')
    op.drop_table('lks_laporan')
    op.drop_index('ix_lks_izin_tenant_id_organization_id', table_name='lks_izin')
    op.drop_table('lks_izin')
    op.drop_table('lks_penomoran')
    op.drop_table('lks_pengaturan')
