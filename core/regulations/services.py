"""Pinning: a case is judged by the profile version it was opened under until it ends."""
from __future__ import annotations

import logging

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import KesosError
from core.kernel import Kernel
from core.regulations.models import ProfileSnapshot
from core.regulations.profiles import RegulationProfile

log = logging.getLogger(__name__)


class ProfileVersionConflict(KesosError):
    """A profile file changed its content without bumping its `version`.

    Cases already pinned to that version keep their snapshot; no new case can be opened under
    the changed file until its `version` is raised. An operator's mistake, not the user's: the
    API answers 500 with a code of its own, and the log names the file."""

    status = 500
    code = "profil_berubah_tanpa_versi"

    def __init__(self, profile: RegulationProfile) -> None:
        super().__init__(
            self.code,
            f"Profil regulasi {profile.id} versi {profile.version} telah diubah isinya tanpa menaikkan "
            "versinya, sehingga kasus baru tidak dapat dibuka. Hubungi admin platform.",
        )
        self.detail = (
            f"profil {profile.id} versi {profile.version} ({profile.source}) berubah isinya tanpa menaikkan "
            "'version'; naikkan version agar kasus lama tetap dinilai dengan aturan lamanya"
        )

    def __str__(self) -> str:
        return self.detail


def _key(plugin: str, profile_id: str, tenant_slug: str | None) -> str:
    # Ids are unique per plugin (each may ship its own `pp-39-2012`), so the key names it.
    return f"{tenant_slug or '*'}:{plugin}:{profile_id}"


def pin(session: Session, profile: RegulationProfile) -> None:
    """Store the profile as it is now, once per (profile, version).

    Two cases opened at the same moment under a version nobody pinned yet both try to store it:
    the insert does nothing on a conflict (PostgreSQL waits for the other transaction first),
    then the stored snapshot is read back and compared."""
    key = _key(profile.plugin, profile.id, profile.tenant)
    snap = session.get(ProfileSnapshot, (key, profile.version))
    if snap is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(ProfileSnapshot)
            .values(
                profile_key=key, version=profile.version, content_hash=profile.content_hash,
                content=profile.snapshot(), created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["profile_key", "version"])
        )
        snap = session.get(ProfileSnapshot, (key, profile.version), populate_existing=True)
        assert snap is not None
    if snap.content_hash != profile.content_hash:
        conflict = ProfileVersionConflict(profile)
        log.error("%s", conflict.detail)
        raise conflict


def profile_for(session: Session, kernel: Kernel, plugin: str, profile_id: str, version: int, tenant_slug: str) -> RegulationProfile:
    """The profile a case was opened under, as it was then: the stored snapshot wins over a
    file whose content changed without a new version."""
    live = kernel.profiles.get(profile_id, tenant_slug, plugin)
    for key in (_key(plugin, profile_id, tenant_slug), _key(plugin, profile_id, None)):
        snap = session.get(ProfileSnapshot, (key, version))
        if snap is not None:
            if live is not None and live.version == version and live.content_hash == snap.content_hash:
                return live
            return kernel.profiles.from_snapshot(snap.content)
    if live is not None and live.version == version:
        return live
    raise LookupError(f"profil {profile_id} versi {version} tidak tersedia")
