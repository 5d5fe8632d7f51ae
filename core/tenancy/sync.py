"""`kesos tenants sync`: apply tenants/<slug>.yaml idempotently.

Every file is validated before anything is written; a bad file names the file and the field and
nothing is applied. Applying twice changes nothing (and audits nothing) the second time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import tenant_context
from core.kernel import Kernel
from core.regulations.profiles import NamedDict, _first_error, load_yaml
from core.registry.wilayah import is_kabupaten_code
from core.tenancy.models import Tenant, TenantDayOff
from core.tenancy.services import configure_plugin, create_tenant, update_tenant

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", error="slug hanya huruf kecil, angka dan '-'")


class TenantFileError(Exception):
    """A tenant file that cannot be applied; says which file and which field."""

    def __init__(self, source: str, field_path: str, message: str) -> None:
        super().__init__(f"{source}: {field_path}: {message}")
        self.source = source
        self.field_path = field_path
        self.message = message


class _PluginSchema(Schema):
    class Meta:
        unknown = RAISE

    enabled = fields.Boolean(load_default=True)
    profile = fields.String(load_default=None)


class _DayOffSchema(Schema):
    class Meta:
        unknown = RAISE

    tanggal = fields.Date(required=True)
    keterangan = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TenantFileSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(required=True, validate=SLUG)
    kode_wilayah = fields.String(
        required=True,
        validate=validate.Predicate("__len__", error="kode wilayah wajib diisi"),
    )
    nama = fields.String(required=True, validate=validate.Length(min=3, max=200))
    provinsi = fields.String(required=True, validate=validate.Length(min=3, max=100))
    aktif = fields.Boolean(load_default=True)
    cuti_bersama_libur = fields.Boolean(load_default=True)
    plugins = NamedDict(keys=fields.String(), values=fields.Nested(_PluginSchema), load_default=dict)
    days_off = fields.List(fields.Nested(_DayOffSchema), load_default=list)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _stringify_dates(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _stringify_dates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_stringify_dates(v) for v in data]
    return data.isoformat() if isinstance(data, date) else data


def read_tenant_files(directory: Path, kernel: Kernel) -> list[tuple[str, dict[str, Any]]]:
    loaded = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        shown = path.name
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise TenantFileError(shown, "(yaml)", f"bukan YAML yang sah: {exc}") from exc
        if not isinstance(raw, dict):
            raise TenantFileError(shown, "(file)", "isi berkas harus berupa mapping YAML")
        raw = _stringify_dates(raw)
        if isinstance(raw.get("kode_wilayah"), (int, float)):
            raise TenantFileError(shown, "kode_wilayah", "tulis kode wilayah sebagai teks bertanda kutip, mis. \"63.11\"")
        try:
            data = TenantFileSchema().load(raw)
        except ValidationError as exc:
            raise TenantFileError(shown, *_first_error(exc.messages)) from exc
        if not is_kabupaten_code(data["kode_wilayah"]):
            raise TenantFileError(
                shown, "kode_wilayah", f"'{data['kode_wilayah']}' bukan kode kabupaten/kota Kemendagri (mis. 63.11)"
            )
        if path.stem != data["slug"]:
            raise TenantFileError(shown, "slug", f"slug '{data['slug']}' harus sama dengan nama berkas '{path.stem}'")
        for name, conf in data["plugins"].items():
            if name not in kernel.plugins.installed:
                raise TenantFileError(shown, f"plugins.{name}", "plugin tidak terpasang di platform ini")
            if conf["profile"]:
                profile = kernel.profiles.get(conf["profile"], data["slug"], name)
                if profile is None or profile.plugin != name:
                    raise TenantFileError(shown, f"plugins.{name}.profile", f"profil '{conf['profile']}' tidak ditemukan untuk plugin {name}")
        days: set[date] = set()
        for i, day in enumerate(data["days_off"]):
            if day["tanggal"] in days:
                raise TenantFileError(shown, f"days_off.{i}.tanggal", f"tanggal {day['tanggal'].isoformat()} disebut lebih dari sekali")
            days.add(day["tanggal"])
        if data["kode_wilayah"] in seen:
            raise TenantFileError(shown, "kode_wilayah", f"sudah dipakai oleh {seen[data['kode_wilayah']]}")
        seen[data["kode_wilayah"]] = shown
        loaded.append((shown, data))
    return loaded


def sync_tenants(session: Session, kernel: Kernel, directory: Path) -> SyncReport:
    """Validate every file, then apply them all in the caller's transaction."""
    report = SyncReport()
    files = read_tenant_files(directory, kernel)
    for shown, data in files:
        # A region code already held by another tenant would fail half-way through the run.
        holder = session.scalar(
            select(Tenant.slug).where(Tenant.kode_wilayah == data["kode_wilayah"], Tenant.slug != data["slug"])
        )
        if holder is not None:
            raise TenantFileError(shown, "kode_wilayah", f"'{data['kode_wilayah']}' sudah dipakai oleh kabupaten/kota '{holder}'")
    for _shown, data in files:
        fields_ = {k: data[k] for k in ("slug", "kode_wilayah", "nama", "provinsi", "aktif", "cuti_bersama_libur")}
        tenant = session.scalar(select(Tenant).where(Tenant.slug == data["slug"]))
        changed = False
        if tenant is None:
            tenant = create_tenant(session, fields_)
            report.created.append(tenant.slug)
        else:
            diff = {k: v for k, v in fields_.items() if getattr(tenant, k) != v}
            if diff:
                update_tenant(session, tenant, diff)
                changed = True
        with tenant_context(tenant.id, session):
            for name, conf in sorted(data["plugins"].items()):
                state_before = _plugin_snapshot(session, tenant, name)
                configure_plugin(session, kernel, tenant, name, enabled=conf["enabled"], profile_id=conf["profile"])
                changed |= state_before != _plugin_snapshot(session, tenant, name)
            existing = {d.tanggal: d for d in session.scalars(select(TenantDayOff))}
            for day in data["days_off"]:
                current = existing.get(day["tanggal"])
                if current is None:
                    session.add(TenantDayOff(tanggal=day["tanggal"], keterangan=day["keterangan"]))
                    audit.record(session, "calendar.day_off.add", "day_off", day["tanggal"], day)
                    changed = True
                elif current.keterangan != day["keterangan"]:
                    audit.record(
                        session, "calendar.day_off.update", "day_off", day["tanggal"],
                        {"before": current.keterangan, "after": day["keterangan"]},
                    )
                    current.keterangan = day["keterangan"]
                    changed = True
            session.flush()
        if tenant.slug not in report.created:
            (report.updated if changed else report.unchanged).append(tenant.slug)
    return report


def _plugin_snapshot(session: Session, tenant: Tenant, plugin: str) -> tuple[Any, ...]:
    from core.tenancy.models import TenantPlugin

    row = session.get(TenantPlugin, (tenant.id, plugin))
    return (row.enabled, row.profile_id) if row else (None, None)
