"""rehabilitasi: activities, plan, monitoring, evaluations, warnings

Revision ID: 0001_rehabilitasi
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from core.sdk import JSONDoc, enable_tenant_rls

revision = "0001_rehabilitasi"
down_revision = None
branch_labels = ("rehabilitasi",)
depends_on = "0001_core"

TABLES = (
    "rehabilitasi_kegiatan",
    "rehabilitasi_rencana",
    "rehabilitasi_pemantauan",
    "rehabilitasi_evaluasi",
    "rehabilitasi_peringatan",
)


def _keys(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"],
            name=op.f(f"fk_{table}_tenant_id_case_id_cases"), ondelete="RESTRICT",
        ),
    ]


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"))


def upgrade() -> None:
    op.create_table(
        "rehabilitasi_kegiatan",
        *_keys("rehabilitasi_kegiatan"),
        sa.Column("tahap", sa.String(length=63), nullable=False),
        sa.Column("kode", sa.String(length=63), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("pelaksana_id", sa.Uuid(), nullable=False),
        sa.Column("catatan", sa.Text(), nullable=True),
        sa.Column("rincian", JSONDoc, nullable=False),
        sa.Column("dicatat_pada", sa.DateTime(timezone=True), nullable=False),
        _user_fk("rehabilitasi_kegiatan", "pelaksana_id"),
    )
    op.create_index("ix_rehabilitasi_kegiatan_tenant_id_case_id_tanggal", "rehabilitasi_kegiatan", ["tenant_id", "case_id", "tanggal"])
    op.create_table(
        "rehabilitasi_rencana",
        *_keys("rehabilitasi_rencana"),
        sa.Column("kebutuhan_prioritas", JSONDoc, nullable=False),
        sa.Column("bentuk", JSONDoc, nullable=False),
        sa.Column("rujukan", JSONDoc, nullable=False),
        sa.Column("jadwal", JSONDoc, nullable=False),
        sa.Column("sumber_dana", sa.String(length=100), nullable=False),
        sa.Column("pendekatan", JSONDoc, nullable=False),
        sa.Column("metode", JSONDoc, nullable=False),
        sa.Column("teknik", JSONDoc, nullable=False),
        sa.Column("disusun_oleh", sa.Uuid(), nullable=False),
        sa.Column("diperbarui_pada", sa.DateTime(timezone=True), nullable=False),
        _user_fk("rehabilitasi_rencana", "disusun_oleh"),
        sa.UniqueConstraint("tenant_id", "case_id", name=op.f("uq_rehabilitasi_rencana_tenant_id_case_id")),
    )
    op.create_table(
        "rehabilitasi_pemantauan",
        *_keys("rehabilitasi_pemantauan"),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("butir", JSONDoc, nullable=False),
        sa.Column("pencatat_id", sa.Uuid(), nullable=False),
        sa.Column("dicatat_pada", sa.DateTime(timezone=True), nullable=False),
        _user_fk("rehabilitasi_pemantauan", "pencatat_id"),
    )
    op.create_index("ix_rehabilitasi_pemantauan_tenant_id_case_id_tanggal", "rehabilitasi_pemantauan", ["tenant_id", "case_id", "tanggal"])
    op.create_table(
        "rehabilitasi_evaluasi",
        *_keys("rehabilitasi_evaluasi"),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("hasil", sa.Text(), nullable=False),
        sa.Column("rekomendasi", sa.Text(), nullable=True),
        sa.Column("evaluator_id", sa.Uuid(), nullable=False),
        sa.Column("dicatat_pada", sa.DateTime(timezone=True), nullable=False),
        _user_fk("rehabilitasi_evaluasi", "evaluator_id"),
    )
    op.create_index("ix_rehabilitasi_evaluasi_tenant_id_case_id_tanggal", "rehabilitasi_evaluasi", ["tenant_id", "case_id", "tanggal"])
    op.create_table(
        "rehabilitasi_peringatan",
        *_keys("rehabilitasi_peringatan"),
        sa.Column("jenis", sa.String(length=40), nullable=False),
        sa.Column("jatuh_tempo", sa.Date(), nullable=False),
        sa.Column("pesan", sa.String(length=500), nullable=False),
        sa.Column("citation", sa.String(length=200), nullable=False),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("selesai_pada", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "tenant_id", "case_id", "jenis", "jatuh_tempo",
            name=op.f("uq_rehabilitasi_peringatan_tenant_id_case_id_jenis_jatuh_tempo"),
        ),
    )
    for table in TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
