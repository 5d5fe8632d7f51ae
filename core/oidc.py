"""Optional login through the region's OpenID Connect provider (many governments run Keycloak).

Off unless KESOS_OIDC_ISSUER is set. The client sends the provider's ID token; Kesos verifies
its signature (RS256 or ES256, the JWKS key named by `kid`), issuer, audience and expiry, finds
or creates the person's account (external: no local password), sets their roles from the roles
claim — `"<tenant slug>:<role>"` entries and `"platform_admin"`, only tenants and roles that
exist, the rest ignored and audited — and issues an ordinary Kesos bearer token.

The JWKS comes from a local file (read at each login, so a rotated file needs no restart) or a
URL fetched at the first login with a timeout and cached; nothing is fetched at start-up.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.config import Settings
from core.db import tenant_context
from core.errors import KesosError, Unauthorized
from core.staff.models import ROLES, Membership, User
from core.staff.services import IssuedToken, issue_token, set_roles, upsert_external_user
from core.tenancy.models import Tenant

ALGORITHMS = ("RS256", "ES256")
# Clock skew tolerated between the provider and Kesos on exp / iat / nbf.
LEEWAY_SECONDS = 30
JWKS_TIMEOUT_SECONDS = 5
JWKS_CACHE_SECONDS = 300
PLATFORM_ADMIN = "platform_admin"


class OidcRefused(Unauthorized):
    """An ID token Kesos will not accept (401); the code says why."""


class JwksUnavailable(KesosError):
    status = 503
    code = "oidc_kunci_tidak_tersedia"
    message = "Kunci penyedia identitas tidak dapat diambil saat ini. Coba lagi sebentar lagi."


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    jwks_url: str
    jwks_file: Path | None
    roles_claim: str
    username_claim: str

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        if not settings.oidc_enabled:
            return None
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            jwks_url=settings.oidc_jwks_url,
            jwks_file=settings.oidc_jwks_file,
            roles_claim=settings.oidc_roles_claim,
            username_claim=settings.oidc_username_claim,
        )


@functools.cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # One client per URL and process: it caches the key set and refetches once on an unknown
    # kid (key rotation at the provider).
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS)


def _signing_key(config: OidcConfig, kid: str) -> jwt.PyJWK:
    unknown = OidcRefused("oidc_kunci_tidak_dikenal", "Token identitas ditandatangani dengan kunci yang tidak dikenal.")
    if config.jwks_file is not None:
        try:
            keys = jwt.PyJWKSet.from_dict(json.loads(config.jwks_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise JwksUnavailable() from exc
        for key in keys.keys:
            if key.key_id == kid:
                return key
        raise unknown
    try:
        return _jwks_client(config.jwks_url).get_signing_key(kid)
    except jwt.PyJWKClientConnectionError as exc:
        raise JwksUnavailable() from exc
    except jwt.PyJWKClientError as exc:
        raise unknown from exc


def verify_id_token(config: OidcConfig, id_token: str) -> dict[str, Any]:
    """The claims of a valid ID token; OidcRefused (401) otherwise."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise OidcRefused("oidc_token_tidak_sah", "Token identitas tidak dapat dibaca.") from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise OidcRefused("oidc_token_tidak_sah", f"Algoritme tanda tangan tidak diterima: {alg!r} (hanya {', '.join(ALGORITHMS)}).")
    if not isinstance(kid, str) or not kid:
        raise OidcRefused("oidc_kunci_tidak_dikenal", "Token identitas tidak menyebut kuncinya (kid).")
    key = _signing_key(config, kid)
    if key.algorithm_name != alg:
        raise OidcRefused("oidc_tanda_tangan_salah", "Tanda tangan token identitas tidak sah.")
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key.key,
            algorithms=[alg],
            audience=config.client_id,
            issuer=config.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise OidcRefused("oidc_tanda_tangan_salah", "Tanda tangan token identitas tidak sah.") from exc
    except jwt.ExpiredSignatureError as exc:
        raise OidcRefused(
            "oidc_kedaluwarsa", "Token identitas sudah kedaluwarsa. Silakan masuk kembali melalui penyedia identitas."
        ) from exc
    except jwt.ImmatureSignatureError as exc:
        raise OidcRefused("oidc_belum_berlaku", "Token identitas belum berlaku (periksa jam server).") from exc
    except jwt.InvalidIssuerError as exc:
        raise OidcRefused("oidc_penerbit_salah", "Token identitas bukan dari penyedia identitas yang dikonfigurasi.") from exc
    except jwt.InvalidAudienceError as exc:
        raise OidcRefused("oidc_audiens_salah", "Token identitas tidak ditujukan untuk Kesos.") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise OidcRefused("oidc_klaim_kurang", f"Token identitas tidak memuat klaim wajib '{exc.claim}'.") from exc
    except jwt.PyJWTError as exc:
        raise OidcRefused("oidc_token_tidak_sah", "Token identitas tidak sah.") from exc
    # OIDC Core 3.1.3.7: with several audiences, the authorised party must be Kesos.
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != config.client_id:
        raise OidcRefused("oidc_audiens_salah", "Token identitas tidak ditujukan untuk Kesos.")
    return claims


@dataclass(frozen=True)
class RoleMapping:
    roles: dict[str, list[str]]  # tenant slug → roles
    platform_admin: bool
    ignored: list[str]


def map_roles(claim: Any, tenant_slugs: set[str]) -> RoleMapping:
    """Read the roles claim: `"<slug>:<role>"` for a tenant that exists and a role Kesos
    knows, and `"platform_admin"`; anything else is ignored (and reported)."""
    entries = [claim] if isinstance(claim, str) else claim if isinstance(claim, list) else []
    roles: dict[str, set[str]] = {}
    platform_admin = False
    ignored: list[str] = []
    for entry in entries:
        if not isinstance(entry, str):
            ignored.append(repr(entry))
            continue
        if entry == PLATFORM_ADMIN:
            platform_admin = True
            continue
        slug, sep, role = entry.partition(":")
        if sep and slug in tenant_slugs and role in ROLES:
            roles.setdefault(slug, set()).add(role)
        else:
            ignored.append(entry)
    return RoleMapping({slug: sorted(r) for slug, r in sorted(roles.items())}, platform_admin, ignored)


def _username(config: OidcConfig, claims: Mapping[str, Any]) -> str:
    value = claims.get(config.username_claim) or claims.get("sub")
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 80:
        raise OidcRefused("oidc_klaim_kurang", f"Klaim nama pengguna '{config.username_claim}' (atau 'sub') kosong atau lebih dari 80 karakter.")
    return value.strip()


def login_with_id_token(
    session: Session, config: OidcConfig, id_token: str, ttl_hours: int, *, now: datetime | None = None
) -> IssuedToken:
    claims = verify_id_token(config, id_token)
    username = _username(config, claims)
    nama = claims.get("name") if isinstance(claims.get("name"), str) and claims["name"].strip() else username
    user = upsert_external_user(session, subject=str(claims["sub"]), username=username, nama=nama[:200])
    if not user.aktif:
        raise Unauthorized("akun_tidak_aktif", "Akun Anda di Kesos dinonaktifkan. Hubungi admin Dinas Sosial.")
    tenants = {t.slug: t for t in session.scalars(select(Tenant))}
    mapping = map_roles(claims.get(config.roles_claim), set(tenants))
    _apply_roles(session, user, mapping, tenants)
    audit.record(
        session,
        "auth.oidc_login",
        "user",
        user.id,
        {
            "username": username,
            "peran": mapping.roles,
            "platform_admin": mapping.platform_admin,
            "diabaikan": mapping.ignored,
        },
        actor_id=user.id,
    )
    return issue_token(session, user, ttl_hours, now=now)


def _apply_roles(session: Session, user: User, mapping: RoleMapping, tenants: dict[str, Tenant]) -> None:
    """The provider is the source of truth for an external account: roles it no longer grants
    are removed, in every tenant."""
    held = set(session.scalars(select(Membership.tenant_id).where(Membership.user_id == user.id)))
    for tenant in tenants.values():
        wanted = mapping.roles.get(tenant.slug, [])
        if wanted or tenant.id in held:
            with tenant_context(tenant.id, session):
                set_roles(session, tenant, user, wanted)
    if user.is_platform_admin != mapping.platform_admin:
        audit.record(
            session, "user.platform_admin", "user", user.id,
            {"before": user.is_platform_admin, "after": mapping.platform_admin}, actor_id=user.id,
        )
        user.is_platform_admin = mapping.platform_admin
