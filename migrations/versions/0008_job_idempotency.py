"""job idempotency keys: a job with side effects takes effect once (issue 6)

Revision ID: 0008_job_idempotency
Revises: 0007_login_security
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision: str = '0008_job_idempotency'
down_revision: str | Sequence[str] | None = '0007_login_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
