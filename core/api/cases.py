"""Cases: list, open, show, advance (with If-Match), history."""
from __future__ import annotations

import uuid
from typing import Any

from core.api.common import (
    current_tenant,
    current_user,
    etag,
    expected_version,
    kernel,
    paginate,
    parse_uuid,
    require,
    session,
    tenant_blueprint,
)
from core.cases.schemas import CaseAdvanceSchema, CaseCreateSchema, CaseEventSchema, CaseQuerySchema, CaseSchema
from core.cases.services import advance_case, assignments_for, case_events, cases_query, get_case, open_case
from core.errors import InvalidInput

blp = tenant_blueprint("cases", __name__, "cases", "Kasus dan alur tahapannya")
BLUEPRINTS = [blp]


def _decorate(cases: list[Any]) -> list[Any]:
    """Attach assignments (one query for the page) and the plugins' one-line summary."""
    by_case = assignments_for(session(), [c.id for c in cases])
    hooks = kernel().hooks(session(), current_tenant())
    for case in cases:
        case.assigned = by_case[case.id]
        case.summary = hooks.kesos_case_summary(case=case)
    return cases


@blp.get("")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSchema(many=True))
@blp.paginate()
@require("cases.read")
def list_cases(query: dict[str, Any], pagination_parameters: Any) -> Any:
    """Daftar kasus dengan filter jenis, plugin, tahap, status, petugas ('me'), orang."""
    assigned = query.pop("assigned_to", None)
    if assigned == "me":
        query["assigned_to"] = current_user().id
    elif assigned is not None:
        parsed = parse_uuid(assigned)
        if parsed is None:
            raise InvalidInput({"assigned_to": ["Isi id petugas atau 'me'."]})
        query["assigned_to"] = parsed
    stmt = cases_query(session(), kernel(), current_tenant(), **query)
    return _decorate(paginate(stmt, pagination_parameters))


@blp.post("")
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseSchema)
@require("cases.write")
def add_case(body: dict[str, Any]) -> Any:
    """Buka kasus. Profil regulasi kabupaten/kota saat ini disematkan pada kasus dan menjadi
    dasar penilaiannya sampai kasus selesai."""
    case = open_case(session(), kernel(), current_tenant(), body, current_user().id)
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.get("/<uuid:case_id>")
@blp.response(200, CaseSchema)
@require("cases.read")
def show_case(case_id: uuid.UUID) -> Any:
    case = get_case(session(), kernel(), current_tenant(), case_id)
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.post("/<uuid:case_id>/advance")
@blp.arguments(CaseAdvanceSchema)
@blp.response(200, CaseSchema)
@require("cases.write")
def advance(body: dict[str, Any], case_id: uuid.UUID) -> Any:
    """Pindahkan kasus ke tahap berikutnya. Wajib If-Match (ETag kasus); tahap tidak boleh
    dilompati; penolakan menyebut pasal yang menolaknya."""
    case = get_case(session(), kernel(), current_tenant(), case_id)
    version = expected_version(case.version)
    advance_case(
        session(), kernel(), current_tenant(), case,
        to_stage=body["to_stage"], data=body["data"], expected_version=version, actor_id=current_user().id,
    )
    return _decorate([case])[0], {"ETag": etag(case.version)}


@blp.get("/<uuid:case_id>/events")
@blp.response(200, CaseEventSchema(many=True))
@require("cases.read")
def events(case_id: uuid.UUID) -> Any:
    """Riwayat kasus (tidak dapat diubah)."""
    return case_events(session(), get_case(session(), kernel(), current_tenant(), case_id))
