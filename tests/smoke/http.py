"""A small JSON client over urllib: the smoke test talks to the deployment as any client does,
over HTTP only, never importing the app."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    status: int
    headers: Any  # email.message.Message: case-insensitive .get()
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.body[:500].decode(errors='replace')}"


class Client:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
        sent = {"Accept": "application/json", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Answer(r.status, r.headers, r.read())
        except urllib.error.HTTPError as exc:
            # A 4xx/5xx is an answer to look at, not an exception.
            with exc:
                return Answer(exc.code, exc.headers, exc.read())

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.request("PUT", path, body, **kw)

    def login(self, username: str, password: str) -> Client:
        """A client carrying `username`'s token."""
        r = self.post("/api/v1/auth/login", {"username": username, "password": password})
        assert r.status == 200, f"login {username}: {r}"
        return Client(self.base_url, r.json()["token"])
