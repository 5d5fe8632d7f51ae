"""Demo data for `make run`: the tenants of tenants/*.yaml, a few staff per tenant, a few
people. Idempotent: running it again adds nothing."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from core.db import tenant_context
from core.kernel import Kernel
from core.registry.services import create_person, find_person_id
from core.staff.models import User
from core.staff.services import create_user, save_credential, set_roles
from core.tenancy.models import Tenant
from core.tenancy.sync import sync_tenants

DEMO_PASSWORD = "kesos-demo-2026"

# (username suffix, name, roles)
_STAFF = [
    ("admin", "Admin Dinas Sosial", ["tenant_admin"]),
    ("petugas", "Petugas Layanan", ["officer"]),
    ("peksos", "Pekerja Sosial Profesional", ["peksos"]),
    ("tks", "Tenaga Kesejahteraan Sosial", ["tks"]),
    ("auditor", "Auditor Inspektorat", ["auditor"]),
    ("operator", "Operator LKS", ["lks_operator"]),
]

# (NIK kabupaten prefix is the tenant's; name, birth date, sex)
_PEOPLE = [
    ("Siti Aminah", date(1987, 9, 5), "P"),
    ("Ahmad Fauzi", date(1975, 1, 12), "L"),
    ("Rahmawati", date(2010, 3, 30), "P"),
]


# Demo qualifications: a Peksos with a social-work degree, a valid competence certificate and
# practice licence (PP 39/2012 Pasal 8; Perbup Balangan 61/2017 Pasal 27), a TKS with a
# social-welfare senior high school (Pasal 28).
_CREDENTIALS: dict[str, Any] = {
    "peksos": lambda slug: dict(
        jabatan="Pekerja Sosial Ahli Pertama", pendidikan="S1", bidang_pendidikan="Pekerjaan Sosial",
        nomor_sertifikat=f"SK-PEKSOS-{slug.upper()}-001", sertifikat_berlaku_sampai=date(2029, 12, 31),
        nomor_izin_praktik=f"IP-PEKSOS-{slug.upper()}-001", izin_praktik_berlaku_sampai=date(2029, 12, 31),
    ),
    "tks": lambda slug: dict(
        jabatan="Tenaga Kesejahteraan Sosial", pendidikan="SMA", bidang_pendidikan="Kesejahteraan Sosial",
    ),
}


def _nik(kode_wilayah: str, born: date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{kode_wilayah.replace('.', '')}01{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def load_demo(kernel: Kernel) -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    with kernel.db.unit_of_work() as session:
        sync_tenants(session, kernel, kernel.settings.tenants_dir)
        if session.scalar(select(User).where(User.username == "platform")) is None:
            create_user(session, username="platform", nama="Admin Platform", password=DEMO_PASSWORD, is_platform_admin=True)
        logins.append(("platform", "admin platform (semua kabupaten/kota)"))
        for tenant in session.scalars(select(Tenant).order_by(Tenant.slug)).all():
            with tenant_context(tenant.id, session):
                staff: dict[str, uuid.UUID] = {}
                for suffix, nama, roles in _STAFF:
                    username = f"{suffix}.{tenant.slug}"
                    user = session.scalar(select(User).where(User.username == username))
                    if user is None:
                        user = create_user(session, username=username, nama=f"{nama} {tenant.nama}", password=DEMO_PASSWORD)
                        set_roles(session, tenant, user, roles)
                        if suffix in _CREDENTIALS:
                            save_credential(session, user, _CREDENTIALS[suffix](tenant.slug))
                    staff[suffix] = user.id
                    logins.append((username, f"{', '.join(roles)} di {tenant.nama}"))
                for serial, (nama, born, sex) in enumerate(_PEOPLE, start=1):
                    nik = _nik(tenant.kode_wilayah, born, sex, serial)
                    if find_person_id(session, nik) is None:
                        create_person(
                            session,
                            dict(nik=nik, nama=nama, tanggal_lahir=born, jenis_kelamin=sex, kode_wilayah=f"{tenant.kode_wilayah}.01"),
                        )
                session.flush()
                kernel.hooks(session, tenant).kesos_load_demo(session=session, tenant=tenant, staff=staff)
    return logins
