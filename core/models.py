"""Imports every kernel model so that `Base.metadata` is complete (Alembic, tests)."""
from core.audit import AuditEntry, PlatformAuditEntry
from core.cases.models import Case, CaseAssignment, CaseEvent, CaseReferral
from core.cases.documents import CaseDocument
from core.console.models import ConsoleSubmission
from core.imports import ImportRun
from core.jobs import JobKey
from core.regulations.models import ProfileSnapshot
from core.registry.models import Household, Organization, Person
from core.reports import ReportFile, ReportRun
from core.staff.models import ApiToken, Membership, StaffCredential, User
from core.tenancy.models import DailyTickRun, Tenant, TenantDayOff, TenantPlugin

__all__ = [
    "ApiToken", "AuditEntry", "Case", "CaseAssignment", "CaseDocument", "CaseEvent", "CaseReferral", "ConsoleSubmission", "DailyTickRun",
    "Household", "ImportRun", "JobKey", "Membership", "Organization", "Person", "PlatformAuditEntry",
    "ProfileSnapshot", "ReportFile", "ReportRun", "StaffCredential", "Tenant", "TenantDayOff",
    "TenantPlugin", "User",
]
