"""Users, memberships, login tokens and staff credentials."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from core.staff.models import ROLES, ApiToken, Membership, StaffCredential, User
from core.staff.passwords import hash_password, password_problems, verify_password
from core.tenancy.models import Tenant

# A fixed hash to verify against when the user does not exist, so that a wrong username and a
# wrong password take the same time (no user enumeration by timing).
_DUMMY_HASH = hash_password("kesos-dummy-password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: Any
    user: User


def create_user(
    session: Session, *, username: str, nama: str, password: str, is_platform_admin: bool = False
) -> User:
    problems = password_problems(password, username)
    if problems:
        raise InvalidInput({"password": problems})
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("pengguna_sudah_ada", f"Nama pengguna '{username}' sudah dipakai.")
    user = User(username=username, nama=nama, password_hash=hash_password(password), is_platform_admin=is_platform_admin)
    session.add(user)
    session.flush()
    audit.record(session, "user.create", "user", user.id, {"username": username, "platform_admin": is_platform_admin})
    return user


def login(session: Session, username: str, password: str, ttl_hours: int) -> IssuedToken:
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not ok or not user.aktif:
        raise Unauthorized("login_gagal", "Nama pengguna atau kata sandi salah.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + timedelta(hours=ttl_hours)
    session.add(ApiToken(token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=expires))
    return IssuedToken(token, expires, user)


def user_for_token(session: Session, token: str) -> User:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        raise Unauthorized("token_tidak_sah", "Token tidak sah atau sudah dicabut. Silakan masuk kembali.")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    if expires <= utcnow():
        raise Unauthorized("token_kedaluwarsa", "Sesi Anda telah berakhir. Silakan masuk kembali.")
    user = session.get(User, row.user_id)
    if user is None or not user.aktif:
        raise Unauthorized("token_tidak_sah", "Akun tidak aktif.")
    return user


def revoke_token(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def roles_in(session: Session, user_id: uuid.UUID, tenant_id: uuid.UUID) -> frozenset[str]:
    rows = session.scalars(
        select(Membership.role).where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
    )
    return frozenset(rows)


def memberships_of(session: Session, user_id: uuid.UUID) -> dict[str, list[str]]:
    """slug → roles, for every active tenant the user works in."""
    rows = session.execute(
        select(Tenant.slug, Membership.role)
        .join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id == user_id, Tenant.aktif.is_(True))
        .order_by(Tenant.slug, Membership.role)
    )
    out: dict[str, list[str]] = {}
    for slug, role in rows:
        out.setdefault(slug, []).append(role)
    return out


def set_roles(session: Session, tenant: Tenant, user: User, roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput({"roles": [f"Peran tidak dikenal: {', '.join(unknown)}."]})
    current = {
        m.role: m
        for m in session.scalars(select(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id == user.id))
    }
    for role in set(current) - set(roles):
        session.delete(current[role])
    for role in set(roles) - set(current):
        session.add(Membership(tenant_id=tenant.id, user_id=user.id, role=role))
    if set(current) != set(roles):
        audit.record(session, "staff.roles", "user", user.id, {"before": sorted(current), "after": sorted(roles)})


def staff_query(tenant_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """Users holding any role in the tenant, with their credential row (one query, no N+1)."""
    return (
        select(User, StaffCredential)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(StaffCredential, StaffCredential.user_id == User.id)
        .where(Membership.tenant_id == tenant_id)
        .distinct()
        .order_by(User.nama, User.id)
    )


def get_staff_member(session: Session, tenant: Tenant, user_id: uuid.UUID) -> tuple[User, StaffCredential | None]:
    row = session.execute(staff_query(tenant.id).where(User.id == user_id)).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def save_credential(session: Session, user: User, values: dict[str, Any]) -> StaffCredential:
    cred = session.scalar(select(StaffCredential).where(StaffCredential.user_id == user.id))
    before = {}
    if cred is None:
        cred = StaffCredential(user_id=user.id)
        session.add(cred)
    else:
        before = {k: getattr(cred, k) for k in values}
    for key, value in values.items():
        setattr(cred, key, value)
    session.flush()
    audit.record(session, "staff.credential", "user", user.id, {"before": before, "after": values})
    return cred
