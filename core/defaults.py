"""The kernel's internal plugin: default implementations, run last (`trylast=True`)."""
from __future__ import annotations

from core.permissions import KERNEL_PERMISSIONS
from core.sdk import hookimpl


@hookimpl(trylast=True)
def kesos_register_permissions() -> dict[str, list[str]]:
    return KERNEL_PERMISSIONS


@hookimpl(trylast=True)
def kesos_case_summary(case):  # type: ignore[no-untyped-def]
    # get_kernel(): the request's app inside a request, this process's kernel in a job or the
    # daily tick (summaries also go into notifications), so labels never fall back to codes.
    from core.kernel import get_kernel

    case_type = get_kernel().plugins.case_type(case.case_type)
    label = case_type.label if case_type else case.case_type
    stage = next((s.label for s in case_type.stages if s.code == case.stage), case.stage) if case_type else case.stage
    return f"{label} — tahap {stage}"


@hookimpl(trylast=True)
def kesos_register_importers():  # type: ignore[no-untyped-def]
    from core.imports import PERSONS

    return [PERSONS]
