"""profile snapshots keyed by plugin: "<tenant|*>:<plugin>:<id>"

Profile ids are unique within a plugin, not across plugins (every plugin may ship its own
`pp-39-2012` baseline), so a snapshot's key now names the plugin. Existing snapshots keep their
content; only their key is rewritten, from the plugin recorded inside the snapshot itself.

Revision ID: 0002_profile_keys
Revises: 0001_core
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_profile_keys"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _rewrite(to_new: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT profile_key, version, content FROM profile_snapshots")).all()
    for key, version, content in rows:
        if isinstance(content, str):  # SQLite returns the JSON text
            import json

            content = json.loads(content)
        tenant, _, rest = key.partition(":")
        if to_new and rest.count(":") == 0:
            new = f"{tenant}:{content['plugin']}:{rest}"
        elif not to_new and rest.count(":") == 1:
            new = f"{tenant}:{rest.split(':', 1)[1]}"
        else:
            continue
        conn.execute(
            sa.text("UPDATE profile_snapshots SET profile_key = :new WHERE profile_key = :old AND version = :version"),
            {"new": new, "old": key, "version": version},
        )


def upgrade() -> None:
    with op.batch_alter_table("profile_snapshots") as batch:
        batch.alter_column("profile_key", existing_type=sa.String(length=170), type_=sa.String(length=240), existing_nullable=False)
    _rewrite(to_new=True)


def downgrade() -> None:
    _rewrite(to_new=False)
    with op.batch_alter_table("profile_snapshots") as batch:
        batch.alter_column("profile_key", existing_type=sa.String(length=240), type_=sa.String(length=170), existing_nullable=False)
