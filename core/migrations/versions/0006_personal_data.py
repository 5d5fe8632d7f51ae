"""personal data: NIK and KK encrypted at rest with a keyed blind index (issue 6)

The NIK and KK columns are widened for the ciphertext (`v1:<key_id>:<base64url>`, core/crypto.py),
every existing value is encrypted in place with the configured current key (KESOS_DATA_KEYS /
KESOS_DATA_KEY_ID; the development key when none is configured, never in production) and its
blind index filled, and the per-tenant unique constraints move from the number to its index.
`persons.dianonimkan_pada` records an anonymisation (UU 27/2022).

Revision ID: 0006_personal_data
Revises: 0005_import_parameter
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.crypto import KK, NIK, decrypt_existing, encrypt_existing
from core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = '0006_personal_data'
down_revision: str | Sequence[str] | None = '0005_import_parameter'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = sa.String(length=16)
SEALED = sa.String(length=100)  # core.crypto.CIPHERTEXT_LENGTH, as of this revision
INDEX = sa.String(length=64)
PERSON_COLUMNS = {"nik": (NIK, "nik_index"), "nomor_kk": (KK, None)}
HOUSEHOLD_COLUMNS = {"nomor_kk": (KK, "nomor_kk_index")}


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("uq_persons_tenant_id_nik", type_="unique")
        batch.alter_column("nik", existing_type=PLAIN, type_=SEALED, existing_nullable=False)
        batch.alter_column("nomor_kk", existing_type=PLAIN, type_=SEALED, existing_nullable=True)
        batch.add_column(sa.Column("nik_index", INDEX, nullable=True))
        batch.add_column(sa.Column("dianonimkan_pada", UTCDateTime, nullable=True))
    with op.batch_alter_table("households") as batch:
        batch.drop_constraint("uq_households_tenant_id_nomor_kk", type_="unique")
        batch.alter_column("nomor_kk", existing_type=PLAIN, type_=SEALED, existing_nullable=False)
        batch.add_column(sa.Column("nomor_kk_index", INDEX, nullable=True))

    encrypt_existing("persons", PERSON_COLUMNS)
    encrypt_existing("households", HOUSEHOLD_COLUMNS)

    # Every row has its index now: it becomes what makes a NIK / KK unique within a tenant.
    with op.batch_alter_table("persons") as batch:
        batch.alter_column("nik_index", existing_type=INDEX, nullable=False)
        batch.create_unique_constraint("uq_persons_tenant_id_nik_index", ["tenant_id", "nik_index"])
    with op.batch_alter_table("households") as batch:
        batch.alter_column("nomor_kk_index", existing_type=INDEX, nullable=False)
        batch.create_unique_constraint("uq_households_tenant_id_nomor_kk_index", ["tenant_id", "nomor_kk_index"])


def downgrade() -> None:
    # Anonymised placeholders are not NIKs, but fit the old 16 characters (core/registry/privacy.py).
    decrypt_existing("persons", PERSON_COLUMNS)
    decrypt_existing("households", HOUSEHOLD_COLUMNS)
    with op.batch_alter_table("households") as batch:
        batch.drop_constraint("uq_households_tenant_id_nomor_kk_index", type_="unique")
        batch.drop_column("nomor_kk_index")
        batch.alter_column("nomor_kk", existing_type=SEALED, type_=PLAIN, existing_nullable=False)
        batch.create_unique_constraint("uq_households_tenant_id_nomor_kk", ["tenant_id", "nomor_kk"])
    with op.batch_alter_table("persons") as batch:
        batch.drop_constraint("uq_persons_tenant_id_nik_index", type_="unique")
        batch.drop_column("dianonimkan_pada")
        batch.drop_column("nik_index")
        batch.alter_column("nomor_kk", existing_type=SEALED, type_=PLAIN, existing_nullable=True)
        batch.alter_column("nik", existing_type=SEALED, type_=PLAIN, existing_nullable=False)
        batch.create_unique_constraint("uq_persons_tenant_id_nik", ["tenant_id", "nik"])
