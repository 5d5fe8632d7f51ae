"""personal data: NIK and KK encrypted at rest with a keyed blind index (issue 6)

Revision ID: 0006_personal_data
Revises: 0005_import_parameter
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision: str = '0006_personal_data'
down_revision: str | Sequence[str] | None = '0005_import_parameter'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
