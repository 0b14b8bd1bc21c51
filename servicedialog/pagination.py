"""The one pagination helper: page numbers from the query string, LIMIT/OFFSET in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from tortoise.queryset import QuerySet

from servicedialog.bounds import MAX_PAGE, parse_int

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    total: int
    other_params: tuple[tuple[str, str], ...] = ()

    def href(self, number: int) -> str:
        """The link to page ``number``, keeping the other query parameters (filters)."""
        return "?" + urlencode([*self.other_params, ("page", str(number))])

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(request: Request) -> int:
    return parse_int(request.query_params.get("page", "1"), 1, MAX_PAGE) or 1


async def paginate(query: QuerySet[Any], request: Request, size: int = PAGE_SIZE) -> Page:
    number = page_number(request)
    total = await query.count()
    items = await query.offset((number - 1) * size).limit(size)
    others = tuple((k, v) for k, v in request.query_params.multi_items() if k != "page")
    return Page(list(items), number, size, total, others)
