"""Pinning: a case is judged by the profile version it was opened under until it ends."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.kernel import Kernel
from core.regulations.models import ProfileSnapshot
from core.regulations.profiles import RegulationProfile


class ProfileVersionConflict(RuntimeError):
    """A profile file changed its content without bumping its `version`."""


def _key(profile_id: str, tenant_slug: str | None) -> str:
    return f"{tenant_slug or '*'}:{profile_id}"


def pin(session: Session, profile: RegulationProfile) -> None:
    """Store the profile as it is now, once per (profile, version)."""
    key = _key(profile.id, profile.tenant)
    snap = session.get(ProfileSnapshot, (key, profile.version))
    if snap is None:
        session.add(
            ProfileSnapshot(
                profile_key=key, version=profile.version, content_hash=profile.content_hash, content=profile.snapshot()
            )
        )
    elif snap.content_hash != profile.content_hash:
        raise ProfileVersionConflict(
            f"profil {profile.id} versi {profile.version} ({profile.source}) berubah isinya tanpa menaikkan "
            "'version'; naikkan version agar kasus lama tetap dinilai dengan aturan lamanya"
        )


def profile_for(session: Session, kernel: Kernel, profile_id: str, version: int, tenant_slug: str) -> RegulationProfile:
    live = kernel.profiles.get(profile_id, tenant_slug)
    if live is not None and live.version == version:
        return live
    for key in (_key(profile_id, tenant_slug), _key(profile_id, None)):
        snap = session.get(ProfileSnapshot, (key, version))
        if snap is not None:
            return kernel.profiles.from_snapshot(snap.content)
    raise LookupError(f"profil {profile_id} versi {version} tidak tersedia")
