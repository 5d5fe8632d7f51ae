"""Users, memberships, login tokens and staff credentials."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core import audit
from core.cases.models import Case, CaseAssignment
from core.db import utcnow
from core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from core.staff import lockout
from core.staff.lockout import LockoutPolicy
from core.staff.models import ROLES, ApiToken, Membership, StaffCredential, User
from core.staff.passwords import dummy_hash, hash_password, is_usable, password_problems, verify_password
from core.tenancy.models import Tenant

# The password of an account that signs in through the identity provider: matches nothing.
EXTERNAL_PASSWORD = "!eksternal"


class LoginFailed(Unauthorized):
    """A refused login: the same answer for an unknown user, a wrong password, a deactivated or
    an external account, so nobody can find out which usernames exist."""

    code = "login_gagal"
    message = "Nama pengguna atau kata sandi salah."


class WrongCurrentPassword(InvalidInput):
    def __init__(self) -> None:
        super().__init__({"kata_sandi_lama": ["Kata sandi saat ini salah."]})


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


def upsert_external_user(session: Session, *, subject: str, username: str, nama: str) -> User:
    """The account of the identity provider's subject `sub`, created at its first login.

    A username already held by another account (a local one, or another subject's) is refused:
    a provider user must not take over an account by choosing its name."""
    user = session.scalar(select(User).where(User.oidc_subject == subject))
    if user is not None:
        if user.nama != nama:
            user.nama = nama
        return user
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            "nama_pengguna_bentrok",
            f"Nama pengguna '{username}' sudah dipakai akun lain di Kesos. Hubungi admin platform.",
        )
    user = User(
        username=username, nama=nama, password_hash=EXTERNAL_PASSWORD, is_platform_admin=False,
        eksternal=True, oidc_subject=subject,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.create", "user", user.id, {"username": username, "eksternal": True})
    return user


def login(
    session: Session,
    username: str,
    password: str,
    ttl_hours: int,
    *,
    policy: LockoutPolicy | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """A token for the right password; LoginFailed otherwise, AccountLocked (429) while the
    username is locked — even for the right password.

    A refusal has counted a failure on `session`: the caller commits it although the request
    fails, or the count would be rolled back with the request."""
    now = now or lockout.clock()
    lockout.check_not_locked(session, username, now)
    user = session.scalar(select(User).where(User.username == username))
    usable = user is not None and is_usable(user.password_hash)
    # Every refusal costs one hash, whether the user exists or not (no enumeration by timing).
    ok = verify_password(password, user.password_hash if user is not None and usable else dummy_hash())
    if user is None or not usable or not ok or not user.aktif:
        lockout.record_failure(session, username, now, policy or LockoutPolicy())
        raise LoginFailed()
    lockout.clear_failures(session, username)
    return issue_token(session, user, ttl_hours, now=now)


def issue_token(session: Session, user: User, ttl_hours: int, *, now: datetime | None = None) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
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


def revoke_all_tokens(session: Session, user: User, *, except_token: str | None = None, reason: str) -> int:
    """Revoke every live token of `user` (all devices), optionally keeping the one in use;
    audited with `reason`. Returns how many were revoked."""
    stmt = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if except_token is not None:
        stmt = stmt.where(ApiToken.token_hash != _token_hash(except_token))
    result = session.execute(stmt.values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    audit.record(session, "user.tokens_revoked", "user", user.id, {"username": user.username, "alasan": reason, "jumlah": count})
    return count


def change_password(
    session: Session,
    user: User,
    current_password: str,
    new_password: str,
    *,
    keep_token: str,
    policy: LockoutPolicy | None = None,
    now: datetime | None = None,
) -> None:
    """Change my own password: the current one is checked like a login (a stolen token cannot
    guess it without being locked out), the new one against the policy; every other token of
    mine is revoked."""
    now = now or lockout.clock()
    lockout.check_not_locked(session, user.username, now)
    if user.eksternal or not is_usable(user.password_hash):
        raise Conflict("akun_eksternal", "Akun ini masuk melalui penyedia identitas; kata sandinya diubah di sana.")
    if not verify_password(current_password, user.password_hash):
        lockout.record_failure(session, user.username, now, policy or LockoutPolicy())
        raise WrongCurrentPassword()
    problems = password_problems(new_password, user.username)
    if new_password == current_password:
        problems.append("Kata sandi baru harus berbeda dari kata sandi saat ini.")
    if problems:
        raise InvalidInput({"kata_sandi_baru": problems})
    lockout.clear_failures(session, user.username)
    user.password_hash = hash_password(new_password)
    audit.record(session, "user.password", "user", user.id, {"username": user.username})
    revoke_all_tokens(session, user, except_token=keep_token, reason="ganti_kata_sandi")


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


def add_staff_member(session: Session, tenant: Tenant, body: dict[str, Any]) -> tuple[User, StaffCredential | None]:
    """A new staff account of this tenant with its roles and credential (POST /staff and the
    console's "Tambah petugas": one body, StaffCreateSchema's)."""
    user = create_user(session, username=body["username"], nama=body["nama"], password=body["password"])
    set_roles(session, tenant, user, body["roles"])
    cred = save_credential(session, user, body["credential"]) if body.get("credential") else None
    return user, cred


@dataclass(frozen=True)
class Removal:
    """What taking a staff member off a tenant did: the roles removed there, and how many of the
    account's tokens were revoked (none while it still works somewhere else)."""

    roles: list[str]
    token_dicabut: int


def open_assignments(session: Session, tenant: Tenant, user_id: uuid.UUID) -> int:
    """How many open cases of `tenant` the user is still assigned to."""
    return int(session.scalar(
        select(func.count())
        .select_from(CaseAssignment)
        .join(Case, (Case.tenant_id == CaseAssignment.tenant_id) & (Case.id == CaseAssignment.case_id))
        .where(CaseAssignment.tenant_id == tenant.id, CaseAssignment.user_id == user_id, Case.status == "open")
    ) or 0)


def _roles_elsewhere(session: Session, tenant: Tenant, user_id: uuid.UUID) -> int:
    return int(session.scalar(
        select(func.count()).select_from(Membership).where(Membership.user_id == user_id, Membership.tenant_id != tenant.id)
    ) or 0)


def remove_staff_member(session: Session, tenant: Tenant, user: User, *, actor_id: uuid.UUID) -> Removal:
    """Take a staff member off `tenant` (they left the Dinas): every role they hold HERE is
    removed; the account, which is platform-owned, and their roles in other tenants stay.

    Refused (409) while they are still assigned to an open case of this tenant — a client must
    not be left with a worker nobody can reach: the admin first releases or reassigns them on the
    case's page — and for the admin themselves (another tenant_admin must do it, so a tenant is
    never left by its last admin by mistake).

    Tokens are platform-wide, not per tenant: they are revoked only when the person holds no role
    in any other tenant and is no platform admin (otherwise they would be logged out of work that
    is not this tenant's to end). Their StaffCredential row of this tenant is kept: it is the
    record of who was certified, and licensed, while they worked on its cases."""
    if user.id == actor_id:
        raise Conflict(
            "tidak_dapat_mengeluarkan_diri",
            "Anda tidak dapat mengeluarkan diri sendiri dari kabupaten/kota ini; minta tenant_admin lain melakukannya.",
        )
    still = open_assignments(session, tenant, user.id)
    if still:
        raise Conflict(
            "petugas_masih_ditugaskan",
            f"{user.nama} masih ditugaskan pada {still} kasus yang masih berjalan di kabupaten/kota ini. "
            "Lepaskan atau ganti petugas tersebut di halaman setiap kasus terlebih dahulu.",
        )
    roles = sorted(roles_in(session, user.id, tenant.id))
    session.execute(delete(Membership).where(Membership.tenant_id == tenant.id, Membership.user_id == user.id))
    revoked = 0
    if not user.is_platform_admin and not _roles_elsewhere(session, tenant, user.id):
        revoked = revoke_all_tokens(session, user, reason="dikeluarkan")
    audit.record(session, "staff.removed", "user", user.id, {"username": user.username, "roles": roles, "token_dicabut": revoked})
    return Removal(roles, revoked)


def reset_password(session: Session, tenant: Tenant, user: User, new_password: str, *, actor_id: uuid.UUID) -> int:
    """A tenant admin sets a new initial password for a staff member who forgot theirs (a closed
    network has no e-mail to reset it by): checked by the password policy, any lockout lifted,
    every token of the account revoked. Audited without the password. Returns how many tokens
    were revoked.

    Only for an account that is this tenant's alone: one that also works in another tenant, a
    platform admin, or an external account (no local password) is the platform admin's or the
    identity provider's to reset. Nor for the admin's own account: that is changed with the
    current password (POST /auth/kata-sandi), which a stolen token does not know."""
    if user.id == actor_id:
        raise Conflict(
            "atur_ulang_sandi_sendiri",
            "Kata sandi Anda sendiri tidak dapat diatur ulang di sini; ubahlah dengan kata sandi saat ini, atau minta tenant_admin lain.",
        )
    if user.eksternal or not is_usable(user.password_hash):
        raise Conflict(
            "akun_eksternal",
            "Akun ini masuk melalui penyedia identitas dan tidak memiliki kata sandi di Kesos; hubungi admin platform.",
        )
    if user.is_platform_admin or _roles_elsewhere(session, tenant, user.id):
        raise Conflict(
            "bukan_akun_kabupaten_ini",
            "Akun ini juga dipakai di luar kabupaten/kota ini; kata sandinya hanya dapat diatur ulang oleh admin platform. "
            "Hubungi admin platform.",
        )
    problems = password_problems(new_password, user.username)
    if problems:
        raise InvalidInput({"password": problems})
    user.password_hash = hash_password(new_password)
    lockout.clear_failures(session, user.username)
    audit.record(session, "user.password_reset", "user", user.id, {"username": user.username})
    return revoke_all_tokens(session, user, reason="atur_ulang_sandi")
