"""The fixture plugin's console page (kesos_register_console): its notes, and a form adding one
with the API's own schema and the console's form helpers, as a real plugin's page would."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template_string, url_for
from sqlalchemy import select

from core.sdk import Citation, ConsoleForm, RuleViolation, console_submit, current_tenant, record_audit, require, session

from .models import FixtureNote
from .schemas import NoteSchema

bp = Blueprint("fixture_konsol", __name__)

PAGE = """{% extends "konsol/base.html" %}
{% from "konsol/_form.html" import hidden, field, alerts with context %}
{% block title %}Catatan uji{% endblock %}
{% block main %}
<h1>Catatan uji</h1>
<ul id="catatan">{% for n in notes %}<li>{{ n.tanggal }} {{ n.isi }}</li>{% endfor %}</ul>
<form method="post" action="{{ url_for('fixture_konsol.catatan', tenant=tenant) }}">
  {{ hidden(form) }}{{ alerts(form, ["tanggal", "isi"]) }}
  {{ field(form, "tanggal", "Tanggal", type="date") }}{{ field(form, "isi", "Isi") }}
  <button type="submit">Simpan</button>
</form>
{% endblock %}"""

# The fixture's own rule, so the console's rendering of a refusal with its article is tested.
REFUSED = "ditolak"


def _page(form: ConsoleForm) -> str:
    notes = session().scalars(select(FixtureNote).order_by(FixtureNote.tanggal, FixtureNote.id))
    return render_template_string(PAGE, notes=list(notes), form=form, tenant=current_tenant().slug)


@bp.get("/catatan")
@require("fixture.notes.read")
def catatan() -> Any:
    return _page(ConsoleForm(NoteSchema()))


@bp.post("/catatan")
@require("fixture.notes.write")
def tambah_catatan() -> Any:
    def action(data: dict[str, Any]) -> str:
        if data["isi"] == REFUSED:
            raise RuleViolation("catatan_ditolak", "Catatan ini ditolak.", Citation("Perbup Balangan 61/2017", 6, 1))
        note = FixtureNote(**data)
        session().add(note)
        session().flush()
        record_audit(session(), "fixture.note.create", "fixture_note", note.id, {"isi": note.isi})
        return url_for("fixture_konsol.catatan", tenant=current_tenant().slug)

    return console_submit(ConsoleForm.from_request(NoteSchema()), action, _page)
