"""Who may call each operation of the API: the expected truth the access-matrix test holds the
served OpenAPI spec (/api/openapi.json) to.

Every operation (METHOD + path template exactly as the spec writes it) has one entry:

- ``PUBLIC``: anyone, without a login (only what the law makes public, never personal data);
- ``AUTHENTICATED``: any logged-in user, whatever their roles;
- ``PLATFORM_ADMIN``: a platform admin only (tenant roles get 403);
- a set of tenant roles: a user holding one of them *in the tenant of the URL*
  (``/api/v1/tenants/{tenant}/...``). Roles are per tenant: a role in another kabupaten counts
  for nothing here, and a platform admin without a role in the tenant is refused like anyone
  else (personal data is shown only to the roles that need it, Perbup Balangan 61/2017 Pasal 29).

Derived from the kernel's permissions (core/permissions.py), each plugin's
``kesos_register_permissions`` and the views' ``@require`` — but written out here on purpose:
changing who may do what must change this file too, in review. An endpoint added without an
entry here fails the test (and so does an entry whose endpoint is gone).
"""
from __future__ import annotations

from typing import Union

PUBLIC = "public"
AUTHENTICATED = "authenticated"
PLATFORM_ADMIN = "platform_admin"

TENANT_ROLES = ("tenant_admin", "officer", "peksos", "tks", "lks_operator", "auditor")

Access = Union[str, frozenset[str]]

# Named groups, each spelled out (not imported from the code under test).
EVERY_ROLE = frozenset({"tenant_admin", "officer", "peksos", "tks", "lks_operator", "auditor"})
ADMIN = frozenset({"tenant_admin"})
ADMIN_OFFICER = frozenset({"tenant_admin", "officer"})
ADMIN_AUDITOR = frozenset({"tenant_admin", "auditor"})
ADMIN_OFFICER_AUDITOR = frozenset({"tenant_admin", "officer", "auditor"})
# Dinas Sosial staff doing case work: the admin, officers, Pekerja Sosial Profesional, TKS.
CASE_WORKERS = frozenset({"tenant_admin", "officer", "peksos", "tks"})
# ... and the auditor, who reads (never writes) cases and services.
CASE_WORKERS_AUDITOR = frozenset({"tenant_admin", "officer", "peksos", "tks", "auditor"})
# Who assigns workers to a case and refers it to another service.
ASSIGNERS = frozenset({"tenant_admin", "officer", "peksos"})
# Who opens the content of a case's documents: the roles with cases.notes.read (tenant_admin,
# officer) and the workers assigned to the case — on the world's case for documents, its Peksos
# alone (the demo's primary worker), not the TKS nor the auditor (Perbup Balangan 61/2017
# Pasal 29 huruf b).
CASE_FILE_READERS = frozenset({"tenant_admin", "officer", "peksos"})
# The LKS service: Dinas Sosial staff, the auditor, and the LKS's own operator (own LKS only).
LKS_READERS = frozenset({"tenant_admin", "officer", "auditor", "lks_operator"})
LKS_APPLICANTS = frozenset({"tenant_admin", "officer", "lks_operator"})

T = "/api/v1/tenants/{tenant}"

ACCESS: dict[tuple[str, str], Access] = {
    # -- login and my account -----------------------------------------------------------------
    ("POST", "/api/v1/auth/login"): PUBLIC,
    # Login with the region's identity provider's ID token (OpenID Connect).
    ("POST", "/api/v1/auth/oidc"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): AUTHENTICATED,
    ("POST", "/api/v1/auth/logout-semua"): AUTHENTICATED,
    ("POST", "/api/v1/auth/kata-sandi"): AUTHENTICATED,
    ("GET", "/api/v1/auth/me"): AUTHENTICATED,
    # -- the platform: kabupaten/kota ---------------------------------------------------------
    ("GET", "/api/v1/tenants"): PLATFORM_ADMIN,
    ("POST", "/api/v1/tenants"): PLATFORM_ADMIN,
    ("GET", "/api/v1/tenants/{slug}"): PLATFORM_ADMIN,
    ("PATCH", "/api/v1/tenants/{slug}"): PLATFORM_ADMIN,
    # -- plugins and regulation profiles (plugins.read / plugins.manage) ----------------------
    ("GET", f"{T}/plugins"): CASE_WORKERS_AUDITOR,
    ("PUT", f"{T}/plugins/{{name}}"): ADMIN,
    ("GET", f"{T}/plugins/{{name}}/profile"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/plugins/{{name}}/profiles/{{profile_id}}"): CASE_WORKERS_AUDITOR,
    # -- registry: persons and households carry NIKs (persons.read / persons.write) -----------
    ("GET", f"{T}/persons"): CASE_WORKERS,
    ("POST", f"{T}/persons"): CASE_WORKERS,
    ("POST", f"{T}/persons/cari"): CASE_WORKERS,
    ("GET", f"{T}/persons/{{person_id}}"): CASE_WORKERS,
    ("PATCH", f"{T}/persons/{{person_id}}"): CASE_WORKERS,
    # UU 27/2022: all of one person's data, and anonymisation (persons.export / persons.anonymise).
    ("GET", f"{T}/persons/{{person_id}}/ekspor"): ADMIN,
    ("POST", f"{T}/persons/{{person_id}}/anonimkan"): ADMIN,
    ("GET", f"{T}/households"): CASE_WORKERS,
    ("POST", f"{T}/households"): CASE_WORKERS,
    ("GET", f"{T}/households/{{household_id}}"): CASE_WORKERS,
    # -- registry: organizations (organizations.read / organizations.write) --------------------
    ("GET", f"{T}/organizations"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/organizations"): ADMIN_OFFICER,
    ("GET", f"{T}/organizations/{{org_id}}"): CASE_WORKERS_AUDITOR,
    # -- cases (cases.read / cases.write / cases.assign / cases.refer) --------------------------
    ("GET", f"{T}/cases"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/cases"): CASE_WORKERS,
    ("GET", f"{T}/cases/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/cases/{{case_id}}/advance"): CASE_WORKERS,
    ("POST", f"{T}/cases/{{case_id}}/close"): CASE_WORKERS,
    ("POST", f"{T}/cases/{{case_id}}/assignments"): ASSIGNERS,
    ("DELETE", f"{T}/cases/{{case_id}}/assignments/{{user_id}}"): ASSIGNERS,
    ("GET", f"{T}/cases/{{case_id}}/events"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/cases/{{case_id}}/referrals"): ASSIGNERS,
    ("GET", f"{T}/cases/{{case_id}}/referrals"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/cases/referrals"): CASE_WORKERS_AUDITOR,
    # The case file's documents: the list for every reader, the content for CASE_FILE_READERS.
    ("GET", f"{T}/cases/{{case_id}}/dokumen"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/cases/{{case_id}}/dokumen"): CASE_WORKERS,
    ("GET", f"{T}/cases/{{case_id}}/dokumen/{{doc_id}}"): CASE_FILE_READERS,
    # -- staff (staff.read / staff.manage) ------------------------------------------------------
    ("GET", f"{T}/staff"): ADMIN_AUDITOR,
    ("POST", f"{T}/staff"): ADMIN,
    ("GET", f"{T}/staff/{{user_id}}"): ADMIN_AUDITOR,
    ("PATCH", f"{T}/staff/{{user_id}}"): ADMIN,
    ("POST", f"{T}/staff/{{user_id}}/cabut-token"): ADMIN,
    ("POST", f"{T}/staff/{{user_id}}/atur-ulang-sandi"): ADMIN,
    ("POST", f"{T}/staff/{{user_id}}/keluarkan"): ADMIN,
    # -- audit log (audit.read) -----------------------------------------------------------------
    ("GET", f"{T}/audit"): ADMIN_AUDITOR,
    # -- working-day calendar (calendar.read / calendar.manage) ---------------------------------
    ("GET", f"{T}/calendar/days-off"): EVERY_ROLE,
    ("POST", f"{T}/calendar/days-off"): ADMIN,
    ("DELETE", f"{T}/calendar/days-off/{{tanggal}}"): ADMIN,
    ("GET", f"{T}/calendar/deadline"): EVERY_ROLE,
    # -- reports (reports.read / reports.run) ---------------------------------------------------
    ("GET", f"{T}/reports"): ADMIN_OFFICER_AUDITOR,
    ("POST", f"{T}/reports/{{name}}/runs"): ADMIN_OFFICER,
    ("GET", f"{T}/reports/runs"): ADMIN_OFFICER_AUDITOR,
    ("GET", f"{T}/reports/runs/{{run_id}}"): ADMIN_OFFICER_AUDITOR,
    ("GET", f"{T}/reports/runs/{{run_id}}/files/{{name}}"): ADMIN_OFFICER_AUDITOR,
    # -- the dashboard (cases.read; named caseloads inside it: dasbor.beban_kerja) -------------
    ("GET", f"{T}/dasbor"): CASE_WORKERS_AUDITOR,
    # -- bulk imports carry NIKs, the rejected rows too: not for auditors (imports.*) -----------
    ("GET", f"{T}/imports/jenis"): ADMIN_OFFICER,
    ("POST", f"{T}/imports/{{name}}"): ADMIN_OFFICER,
    ("GET", f"{T}/imports"): ADMIN_OFFICER,
    ("GET", f"{T}/imports/{{run_id}}"): ADMIN_OFFICER,
    ("GET", f"{T}/imports/{{run_id}}/ditolak"): ADMIN_OFFICER,
    # -- jaminan sosial (jaminan.read / jaminan.write / jaminan.salur) --------------------------
    ("GET", f"{T}/jaminan/kasus"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/jaminan/kasus"): CASE_WORKERS,
    ("GET", f"{T}/jaminan/kasus/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/jaminan/kasus/{{case_id}}/penyaluran"): ADMIN_OFFICER,
    ("GET", f"{T}/jaminan/kasus/{{case_id}}/penyaluran"): CASE_WORKERS_AUDITOR,
    # -- LKS registration and licensing (lks.read / lks.ajukan / lks.proses / lks.pengaturan) ---
    ("GET", f"{T}/lks/pendaftaran"): LKS_READERS,
    ("POST", f"{T}/lks/pendaftaran"): LKS_APPLICANTS,
    ("GET", f"{T}/lks/pendaftaran/{{case_id}}"): LKS_READERS,
    ("POST", f"{T}/lks/pendaftaran/{{case_id}}/dokumen"): LKS_APPLICANTS,
    ("POST", f"{T}/lks/pendaftaran/{{case_id}}/lengkap"): ADMIN_OFFICER,
    ("POST", f"{T}/lks/pendaftaran/{{case_id}}/terbitkan"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/pendaftaran/{{case_id}}/tanda-pendaftaran"): LKS_READERS,
    ("GET", f"{T}/lks/dokumen/{{dokumen_id}}/berkas"): LKS_READERS,
    ("GET", f"{T}/lks/lembaga"): LKS_READERS,
    ("POST", f"{T}/lks/lembaga"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/lembaga/{{organization_id}}"): LKS_READERS,
    ("PUT", f"{T}/lks/lembaga/{{organization_id}}/operator"): ADMIN_OFFICER,
    ("POST", f"{T}/lks/lembaga/{{organization_id}}/sanksi"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/peringatan"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/pengaturan"): ADMIN_OFFICER,
    ("PUT", f"{T}/lks/pengaturan"): ADMIN,
    # The public register of registered LKS (name, number, date, working area — no personal data).
    ("GET", f"{T}/lks/publik/terdaftar"): PUBLIC,
    ("GET", f"{T}/lks/asing"): LKS_READERS,
    ("POST", f"{T}/lks/asing"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/asing/{{organization_id}}"): LKS_READERS,
    ("POST", f"{T}/lks/asing/{{organization_id}}/izin"): ADMIN_OFFICER,
    ("POST", f"{T}/lks/asing/{{organization_id}}/izin-teknis"): ADMIN_OFFICER,
    ("POST", f"{T}/lks/asing/{{organization_id}}/laporan"): LKS_APPLICANTS,
    ("POST", f"{T}/lks/asing/{{organization_id}}/pelanggaran"): ADMIN_OFFICER,
    ("GET", f"{T}/lks/sanksi"): LKS_READERS,
    ("GET", f"{T}/lks/sanksi/{{sanksi_id}}/dokumen"): LKS_READERS,
    ("PUT", f"{T}/lks/sanksi/{{sanksi_id}}/denda"): ADMIN_OFFICER,
    ("POST", f"{T}/lks/pelanggaran/{{pelanggaran_id}}/pencabutan"): ADMIN_OFFICER,
    # -- pemberdayaan sosial (pemberdayaan.read / .write / .stimulan) ----------------------------
    ("GET", f"{T}/pemberdayaan/kasus"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/pemberdayaan/kasus"): CASE_WORKERS,
    ("GET", f"{T}/pemberdayaan/kasus/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/pemberdayaan/kasus/{{case_id}}/anggota"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/pemberdayaan/kasus/{{case_id}}/anggota"): CASE_WORKERS,
    ("GET", f"{T}/pemberdayaan/kasus/{{case_id}}/stimulan"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/pemberdayaan/kasus/{{case_id}}/stimulan"): ADMIN_OFFICER,
    # -- perlindungan sosial (perlindungan.read / perlindungan.write) ----------------------------
    ("GET", f"{T}/perlindungan/kejadian"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/kejadian"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/kejadian/{{kejadian_id}}"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/kejadian/{{kejadian_id}}/koordinasi-bnpb"): CASE_WORKERS,
    ("POST", f"{T}/perlindungan/kejadian/{{kejadian_id}}/tutup"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/kejadian/{{kejadian_id}}/terdampak"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/kejadian/{{kejadian_id}}/terdampak"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/kejadian/{{kejadian_id}}/penyaluran"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/perlindungan/bantuan"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/bantuan"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/bantuan/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/perlindungan/bantuan/{{case_id}}/penyaluran"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/bantuan/{{case_id}}/penyaluran"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/kasus"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/kasus"): CASE_WORKERS,
    ("GET", f"{T}/perlindungan/kasus/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/perlindungan/kasus/{{case_id}}/kegiatan"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/perlindungan/kasus/{{case_id}}/kegiatan"): CASE_WORKERS,
    # -- rehabilitasi sosial (rehabilitasi.kasus.read / rehabilitasi.kasus.write) ----------------
    ("GET", f"{T}/rehabilitasi/kasus"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/rehabilitasi/kasus"): CASE_WORKERS,
    ("GET", f"{T}/rehabilitasi/kasus/{{case_id}}"): CASE_WORKERS_AUDITOR,
    ("GET", f"{T}/rehabilitasi/kasus/{{case_id}}/kegiatan"): CASE_WORKERS_AUDITOR,
    ("POST", f"{T}/rehabilitasi/kasus/{{case_id}}/kegiatan"): CASE_WORKERS,
    ("PUT", f"{T}/rehabilitasi/kasus/{{case_id}}/rencana"): CASE_WORKERS,
    ("POST", f"{T}/rehabilitasi/kasus/{{case_id}}/pemantauan"): CASE_WORKERS,
    ("POST", f"{T}/rehabilitasi/kasus/{{case_id}}/evaluasi"): CASE_WORKERS,
    ("GET", f"{T}/rehabilitasi/peringatan"): CASE_WORKERS_AUDITOR,
}


# Operations whose view's @require grants more roles than the operation serves: the service
# then refuses the others (403 tidak_berwenang) by a rule of the case, not a permission alone.
# The permission the view declares, for the declared-permission test.
DECIDED_BY_THE_CASE: dict[tuple[str, str], str] = {
    # can_read_notes: cases.notes.read, or assigned to the case
    ("GET", f"{T}/cases/{{case_id}}/dokumen/{{doc_id}}"): "cases.read",
}


def is_tenant_scoped(path: str) -> bool:
    return path.startswith("/api/v1/tenants/{tenant}")
