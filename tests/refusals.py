"""The one assertion every service test makes of a refusal: its status, its stable code, the
article that refused it and what its message says."""
from __future__ import annotations

from typing import Any


def refused(r: Any, code: str, citation: str | None = None, *fragments: str, status: int = 422) -> dict[str, Any]:
    body = r.get_json()
    assert r.status_code == status, body
    assert body["code"] == code, body
    if citation is not None:
        assert body["citation"] == citation, body
    for fragment in fragments:
        assert fragment in body["message"], body
    return body
