"""The kernel's public surface for plugins — the ONLY module of `core` a plugin imports.

Everything else in `core` is private and may change. A plugin's `__init__.py` holds only its
`@hookimpl` functions; its models, schemas, views, rules and jobs import what they need from
here. Keep this module a list of re-exports: no logic of its own.
"""
from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("kesos")

# ruff: noqa: E402  (hookimpl must exist before modules importing it load)
from flask_smorest import Blueprint

from core import audit
from core.api.common import (
    accepts_upload,
    current_tenant,
    current_user,
    etag,
    expected_version,
    has_permission,
    kernel,
    paginate,
    current_roles,
    public,
    require,
    session,
)
from core.cases.schemas import CaseSchema
from core.cases.models import Case, CaseAssignment, CaseEvent
from core.cases.services import advance_case, assign_staff, can_read_notes, case_profile, open_case
from core.cases.workflow import AssignContext, CaseContext, CaseType, Guard, Stage
from core.console.forms import VERSION_FIELD as CONSOLE_VERSION_FIELD, Form as ConsoleForm, page_version as console_page_version, submit as console_submit
from core.console.menu import CaseAction, ConsoleContribution, MenuEntry
from core.crypto import BLIND_INDEX, KK, NIK, EncryptedString, blind_index, decrypt_existing, encrypt_existing, keep_blind_index
from core.dashboard import OverdueDeadline, OverdueDeadlines
from core.db import JSONDoc, Base, TenantEntity, TenantScoped, UTCDateTime, get_owned, new_id, tenant_fk, utcnow
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from core.imports import Importer, insert_persons, parse_nik, parse_row as parse_person_row, registered_niks
from core.jobs import JobContext, enqueue
from core.kernel import get_kernel
from core.migrate import enable_tenant_rls
from core.regulations.profiles import ProfileSource, RegulationProfile
from core.registry.models import Household, Organization, Person
from core.registry.nik import mask_nik
from core.registry.privacy import RETENTION_CITATION, export_row
from core.registry.services import create_household, create_organization
from core.registry.wilayah import has_kabupaten_list, is_kabupaten_code, is_kota, kabupaten_name, province_name, province_of
from core.reports import CSV, XLSX, Report, ReportContext, TahunParamsSchema, add_table, year_bounds
from core.rules import Citation, RuleViolation
from core.staff.models import Membership, StaffCredential, User
from core.staff.services import roles_in
from core.storage import StoredFile, new_key as new_storage_key, store as store_file
from core.uploads import ALLOWED as UPLOAD_TYPES, Berkas, check_berkas, safe_name as safe_upload_name, sniff as sniff_upload
from core.tenancy.calendar import add_working_days, local_today, tenant_calendar
from core.tenancy.models import Tenant
from core.tenancy.services import tenant_profile

record_audit = audit.record

__all__ = [
    "Base", "Blueprint", "CaseSchema", "JSONDoc", "UTCDateTime", "Case", "CaseAssignment", "CaseContext", "CaseEvent", "CaseType", "Citation", "Conflict",
    "Forbidden", "Guard", "Household", "InvalidInput", "JobContext", "NotFound", "Organization",
    "Person", "PreconditionFailed", "ProfileSource", "RegulationProfile", "Report",
    "ReportContext", "RuleViolation", "Stage", "StaffCredential", "Tenant", "TenantEntity",
    "TenantScoped", "User", "add_working_days", "current_tenant", "current_user",
    "enable_tenant_rls", "enqueue", "etag", "expected_version", "get_owned", "has_permission", "hookimpl",
    "kernel", "new_id", "paginate", "record_audit", "require", "session", "tenant_calendar",
    "tenant_fk", "utcnow",
    "Importer", "StoredFile", "accepts_upload", "is_kota", "tenant_profile", "create_organization", "has_kabupaten_list", "is_kabupaten_code",
    "kabupaten_name", "new_storage_key", "province_name", "province_of", "public", "roles_in", "store_file",
    "CSV", "XLSX", "TahunParamsSchema", "add_table", "year_bounds", "create_household", "insert_persons", "parse_nik", "parse_person_row", "registered_niks",
    "AssignContext", "Membership", "can_read_notes", "case_profile", "current_roles", "get_kernel", "local_today", "open_case", "advance_case", "assign_staff",
    # personal data (UU 27/2022): encrypted NIK/KK columns, blind indexes, masking, export, retention
    "BLIND_INDEX", "KK", "NIK", "EncryptedString", "blind_index", "decrypt_existing", "encrypt_existing", "keep_blind_index",
    "mask_nik", "RETENTION_CITATION", "export_row",
    # the dashboard's overdue deadlines (kesos_overdue_deadlines)
    "OverdueDeadline", "OverdueDeadlines",
    # the web console (kesos_register_console, docs/console.md)
    "CONSOLE_VERSION_FIELD", "CaseAction", "ConsoleContribution", "ConsoleForm", "MenuEntry", "console_page_version", "console_submit",
    # uploaded documents: the kernel's types, size limit and safe names (core/uploads.py)
    "UPLOAD_TYPES", "Berkas", "check_berkas", "safe_upload_name", "sniff_upload",
]
