"""Page numbers for the console's long lists, in the shape `core.api.common.paginate` fills
(the API's own COUNT and page query, and its upper bound on the page number)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for

from core.api.common import MAX_PAGE


@dataclass
class Pagination:
    page: int
    page_size: int
    item_count: int = 0

    @classmethod
    def from_request(cls, page_size: int = 50) -> Pagination:
        # A page number typed into the address bar that is no number shows the first page.
        page = request.args.get("halaman", type=int) or 1
        return cls(min(max(page, 1), MAX_PAGE), page_size)

    @property
    def first_item(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def pages(self) -> int:
        return max((self.item_count + self.page_size - 1) // self.page_size, 1)

    def url(self, page: int) -> str:
        """This list's address at `page`, its filters kept."""
        args = {k: v for k, v in request.args.items() if k != "halaman" and v != ""}
        values = dict(request.view_args or {})
        if g.get("tenant") is not None:  # the request cycle takes `tenant` out of the view's arguments
            values.setdefault("tenant", g.tenant.slug)
        return url_for(request.endpoint or "", **values, **args, halaman=page)
