"""jaminan: the official register's NIK encrypted at rest with a keyed blind index (UU 27/2022)

Like the registry's (core revision 0006_personal_data): the column is widened for the
ciphertext, each NIK encrypted in place with the configured current key and its blind index
filled, and the one-row-per-NIK constraint moves to the index.

Revision ID: 0002_jaminan_nik
Revises: 0001_jaminan
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.sdk import NIK, decrypt_existing, encrypt_existing

# revision identifiers, used by Alembic.
revision: str = '0002_jaminan_nik'
down_revision: str | Sequence[str] | None = '0001_jaminan'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = sa.String(length=16)
SEALED = sa.String(length=100)  # core.crypto.CIPHERTEXT_LENGTH, as of this revision
INDEX = sa.String(length=64)
COLUMNS = {"nik": (NIK, "nik_index")}


def upgrade() -> None:
    with op.batch_alter_table("jaminan_register") as batch:
        batch.drop_constraint("uq_jaminan_register_tenant_id_nik", type_="unique")
        batch.alter_column("nik", existing_type=PLAIN, type_=SEALED, existing_nullable=False)
        batch.add_column(sa.Column("nik_index", INDEX, nullable=True))
    encrypt_existing("jaminan_register", COLUMNS)
    with op.batch_alter_table("jaminan_register") as batch:
        batch.alter_column("nik_index", existing_type=INDEX, nullable=False)
        batch.create_unique_constraint("uq_jaminan_register_tenant_id_nik_index", ["tenant_id", "nik_index"])


def downgrade() -> None:
    decrypt_existing("jaminan_register", COLUMNS)
    with op.batch_alter_table("jaminan_register") as batch:
        batch.drop_constraint("uq_jaminan_register_tenant_id_nik_index", type_="unique")
        batch.drop_column("nik_index")
        batch.alter_column("nik", existing_type=SEALED, type_=PLAIN, existing_nullable=False)
        batch.create_unique_constraint("uq_jaminan_register_tenant_id_nik", ["tenant_id", "nik"])
