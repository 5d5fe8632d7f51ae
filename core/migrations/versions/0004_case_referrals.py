"""case_referrals: a case referred to another service of the tenant (kesos_referral_received)

Revision ID: 0004_case_referrals
Revises: 0003_import_runs
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import JSONDoc
from core.migrate import enable_tenant_rls

# revision identifiers, used by Alembic.
revision: str = '0004_case_referrals'
down_revision: str | Sequence[str] | None = '0003_import_runs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_referrals',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('dari_plugin', sa.String(length=63), nullable=False),
    sa.Column('ke_plugin', sa.String(length=63), nullable=False),
    sa.Column('alasan', sa.String(length=2000), nullable=False),
    sa.Column('data', JSONDoc, nullable=False),
    sa.Column('hasil', JSONDoc, nullable=False),
    sa.Column('dibuat_oleh', sa.Uuid(), nullable=True),
    sa.Column('dibuat_pada', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dibuat_oleh'], ['users.id'], name=op.f('fk_case_referrals_dibuat_oleh_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_referrals_tenant_id_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_case_referrals_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_referrals'))
    )
    op.create_index('ix_case_referrals_tenant_id_case_id', 'case_referrals', ['tenant_id', 'case_id'], unique=False)
    op.create_index('ix_case_referrals_tenant_id_ke_plugin_dibuat_pada', 'case_referrals', ['tenant_id', 'ke_plugin', 'dibuat_pada'], unique=False)
    enable_tenant_rls("case_referrals")


def downgrade() -> None:
    op.drop_index('ix_case_referrals_tenant_id_ke_plugin_dibuat_pada', table_name='case_referrals')
    op.drop_index('ix_case_referrals_tenant_id_case_id', table_name='case_referrals')
    op.drop_table('case_referrals')
