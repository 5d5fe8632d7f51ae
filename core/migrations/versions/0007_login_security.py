"""login security: failed attempts, lockout, token revocation (issue 6)

Revision ID: 0007_login_security
Revises: 0006_personal_data
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007_login_security'
down_revision: str | Sequence[str] | None = '0006_personal_data'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Platform tables (no tenant, no RLS), like users and api_tokens: a login comes before any
    # tenant is chosen.
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_failures")),
    )
    # Plain ADD COLUMN and a unique index: no table rebuild on SQLite (rebuilding `users` would
    # cascade through its foreign keys).
    op.add_column("users", sa.Column("eksternal", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("ix_users_oidc_subject", "users", ["oidc_subject"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_oidc_subject", table_name="users")
    op.drop_column("users", "oidc_subject")
    op.drop_column("users", "eksternal")
    op.drop_table("login_failures")
