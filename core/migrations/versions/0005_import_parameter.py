"""import_runs.parameter: what an import applies to (e.g. the event whose affected people a
file lists), as the importer's `params` schema loaded it

Revision ID: 0005_import_parameter
Revises: 0004_case_referrals
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import JSONDoc

# revision identifiers, used by Alembic.
revision: str = '0005_import_parameter'
down_revision: str | Sequence[str] | None = '0004_case_referrals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('import_runs', sa.Column('parameter', JSONDoc, nullable=True))


def downgrade() -> None:
    op.drop_column('import_runs', 'parameter')
