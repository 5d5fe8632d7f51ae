"""login security: failed attempts, lockout, token revocation (issue 6)

Revision ID: 0007_login_security
Revises: 0006_personal_data
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision: str = '0007_login_security'
down_revision: str | Sequence[str] | None = '0006_personal_data'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
