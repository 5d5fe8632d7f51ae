from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.sdk import Blueprint, record_audit, require, session

from .models import FixtureNote
from .schemas import NoteSchema

blp = Blueprint("fixture_notes", __name__, url_prefix="/notes", description="Catatan (plugin uji)")


@blp.get("")
@blp.response(200, NoteSchema(many=True))
@require("fixture.notes.read")
def list_notes() -> Any:
    return list(session().scalars(select(FixtureNote).order_by(FixtureNote.tanggal, FixtureNote.id)))


@blp.post("")
@blp.arguments(NoteSchema)
@blp.response(201, NoteSchema)
@require("fixture.notes.write")
def add_note(body: dict[str, Any]) -> Any:
    note = FixtureNote(**body)
    session().add(note)
    session().flush()
    record_audit(session(), "fixture.note.create", "fixture_note", note.id, {"isi": note.isi})
    return note
