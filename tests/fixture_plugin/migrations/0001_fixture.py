"""fixture plugin: fixture_notes

Revision ID: 0001_fixture
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from core.sdk import enable_tenant_rls

revision = "0001_fixture"
down_revision = None
branch_labels = ("fixture",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "fixture_notes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("isi", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_fixture_notes_tenant_id_tenants"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_fixture_notes")),
    )
    op.create_index("ix_fixture_notes_tenant_id_tanggal", "fixture_notes", ["tenant_id", "tanggal"])
    enable_tenant_rls("fixture_notes")


def downgrade() -> None:
    op.drop_index("ix_fixture_notes_tenant_id_tanggal", table_name="fixture_notes")
    op.drop_table("fixture_notes")
