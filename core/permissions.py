"""The kernel's own permissions and the roles granted each (contributed through the
`kesos_register_permissions` hook by the kernel's internal plugin, like any plugin's)."""
from __future__ import annotations

CASE_WORKERS = ["officer", "peksos", "tks"]

KERNEL_PERMISSIONS: dict[str, list[str]] = {
    "tenant.read": ["tenant_admin", "officer", "peksos", "tks", "lks_operator", "auditor"],
    "plugins.read": ["tenant_admin", "officer", "peksos", "tks", "auditor"],
    "plugins.manage": ["tenant_admin"],
    "persons.read": ["tenant_admin", *CASE_WORKERS],
    "persons.write": ["tenant_admin", *CASE_WORKERS],
    # The full NIK and KK of one person or household, each read audited (core/registry/privacy.py):
    # those who check identity and pass it on; a TKS in the field sees them masked.
    "persons.nik.read": ["tenant_admin", "officer", "peksos"],
    # UU 27/2022: all of one person's data, and anonymisation where the law allows it.
    "persons.export": ["tenant_admin"],
    "persons.anonymise": ["tenant_admin"],
    # Not lks_operator: an operator sees their own LKS through the lks routes, never the
    # addresses and NPWP of every other organisation of the kabupaten.
    "organizations.read": ["tenant_admin", *CASE_WORKERS, "auditor"],
    "organizations.write": ["tenant_admin", "officer"],
    "cases.read": ["tenant_admin", *CASE_WORKERS, "auditor"],
    "cases.write": ["tenant_admin", *CASE_WORKERS],
    # Notes and monitoring of any case (assigned workers read their own cases' notes anyway).
    "cases.notes.read": ["tenant_admin", "officer"],
    "cases.assign": ["tenant_admin", "officer", "peksos"],
    "cases.refer": ["tenant_admin", "officer", "peksos"],
    "staff.read": ["tenant_admin", "auditor"],
    "staff.manage": ["tenant_admin"],
    "audit.read": ["tenant_admin", "auditor"],
    "calendar.read": ["tenant_admin", "officer", "peksos", "tks", "lks_operator", "auditor"],
    "calendar.manage": ["tenant_admin"],
    "reports.read": ["tenant_admin", "officer", "auditor"],
    "reports.run": ["tenant_admin", "officer"],
    # Bulk imports carry NIKs: the rejected-rows file too, so not for auditors.
    "imports.read": ["tenant_admin", "officer"],
    "imports.run": ["tenant_admin", "officer"],
    # The dashboard's open caseload of each Peksos/TKS by name: for those who distribute and
    # oversee the work. Other case workers (cases.read) see their own row and the totals.
    "dasbor.beban_kerja": ["tenant_admin", "officer", "auditor"],
}
