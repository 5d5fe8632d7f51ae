"""Reading console pages in tests as a user would: the forms on a page (their action and hidden
fields), the error shown next to a field, the menu's links."""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from tests.factories import PASSWORD


@dataclass
class PageForm:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and pre-filled fields
    buttons: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self.links: list[tuple[str, str]] = []
        self._form: PageForm | None = None
        self._button: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._in_nav = False
        self._in_main = False
        self._group: list[str] | None = None
        self.nav_links: list[str] = []
        self.main_links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = PageForm(a.get("action", ""))
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name") and a.get("type") != "password":
            # as a browser sends the form: an unticked box or radio button sends nothing
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "button":
            self._button = []
        elif tag == "a":
            self._link = (a.get("href", ""), [])
        elif tag == "nav":
            self._in_nav = True
        elif tag == "span" and self._in_nav and "menu__grup" in a.get("class", ""):
            self._group = []
        elif tag == "main":
            self._in_main = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "a" and self._link is not None:
            text = " ".join("".join(self._link[1]).split())
            self.links.append((self._link[0], text))
            if self._in_nav:
                self.nav_links.append(text)
            if self._in_main:
                self.main_links.append((self._link[0], text))
            self._link = None
        elif tag == "nav":
            self._in_nav = False
        elif tag == "span" and self._group is not None:
            self.nav_links.append(" ".join("".join(self._group).split()))
            self._group = None
        elif tag == "main":
            self._in_main = False

    def handle_data(self, data: str) -> None:
        if self._group is not None:
            self._group.append(data)
        if self._button is not None:
            self._button.append(data)
        if self._link is not None:
            self._link[1].append(data)


class Page:
    """`menu`: the navigation's group titles and link texts, in order."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        parser = _Parser()
        parser.feed(self.html)
        self.forms = parser.forms
        self.links = parser.links
        self.menu = parser.nav_links
        self.main_links = parser.main_links

    def form(self, action: str, button: str | None = None) -> PageForm:
        found = [f for f in self.forms if f.action == action and (button is None or button in f.buttons)]
        assert found, f"no form posting to {action} (button {button!r}) on the page: {[f.action for f in self.forms]}"
        return found[0]

    def field_error(self, name: str) -> str | None:
        """The error text shown next to the field `name` (linked to it by aria-describedby)."""
        match = re.search(rf'id="(kolom-{re.escape(name)}|profil-{re.escape(name)})-galat"[^>]*>(.*?)</p>', self.html, re.S)
        return htmllib.unescape(" ".join(match.group(2).split())) if match else None

    def input_value(self, name: str) -> str | None:
        match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', self.html)
        if match is None:
            return None
        value = re.search(r'value="([^"]*)"', match.group(0))
        return value.group(1) if value else ""

    def rows(self, table_id: str) -> list[list[str]]:
        """The body rows of the table labelled by `table_id`, each a list of its cells' texts."""
        table = re.search(rf'<table aria-labelledby="{re.escape(table_id)}">(.*?)</table>', self.html, re.S)
        assert table, f"no table {table_id} on the page"
        body = table.group(1).split("<tbody>", 1)[1]
        return [
            [htmllib.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split())) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]

    def text(self) -> str:
        return htmllib.unescape(" ".join(re.sub(r"<[^>]+>", " ", self.html).split()))

    @property
    def csrf(self) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.html)
        assert match, "no CSRF token on the page"
        return match.group(1)


class Console:
    """A browser-like user of the console through Flask's test client (the session cookie kept)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> Page:
        return Page(self.client.get(path, **kwargs))

    def login(self, username: str, password: str = PASSWORD, next: str | None = None) -> Any:
        page = self.get("/konsol/masuk")
        data = {"csrf_token": page.csrf, "username": username, "password": password}
        if next:
            data["next"] = next
        return self.client.post("/konsol/masuk", data=data)

    def submit(self, page_path: str, action: str, button: str | None = None, headers: dict[str, str] | None = None, **values: str) -> Any:
        """Open `page_path`, fill the form posting to `action` (the one with `button`) and send it."""
        form = self.get(page_path, headers=headers).form(action, button)
        return self.client.post(action, data={**form.fields, **values}, headers=headers)

    def token(self) -> str | None:
        with self.client.session_transaction() as s:
            return s.get("token")
