"""case_documents: the documents of a case file, for any case type (issue 8)

Revision ID: 0010_case_documents
Revises: 0009_console_forms
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.migrate import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0010_case_documents'
down_revision: str | Sequence[str] | None = '0009_console_forms'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # core/cases/documents.py CaseDocument: the bytes are in the document store under `kunci`.
    op.create_table('case_documents',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('nama_berkas', sa.String(length=200), nullable=False),
    sa.Column('keterangan', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('ukuran', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kunci', sa.String(length=300), nullable=False),
    sa.Column('diunggah_oleh', sa.Uuid(), nullable=False),
    sa.Column('diunggah_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['diunggah_oleh'], ['users.id'], name=op.f('fk_case_documents_diunggah_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_documents_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_case_documents_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_documents'))
    )
    op.create_index('ix_case_documents_tenant_id_case_id_diunggah_pada', 'case_documents', ['tenant_id', 'case_id', 'diunggah_pada'], unique=False)
    enable_tenant_rls("case_documents")


def downgrade() -> None:
    op.drop_index('ix_case_documents_tenant_id_case_id_diunggah_pada', table_name='case_documents')
    op.drop_table('case_documents')
