"""Lists that scale: a page of rows, sorted and filtered on the server, with the current
choices in the address (so that a list can be shared or bookmarked as it is seen).

A view reads its `ListArgs` from the query string with the sorts it offers, pages its
SELECT with `page_of`, and the template draws the pager, the sortable headers and the
links with the macros of templates/_listing.html, which keep every other argument.

    args = list_args(request.args, sorts={"name": Startup.name, "city": Startup.city},
                     default_sort="name")
    page = page_of(select(Startup).where(...), args)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from eventhub.extensions import db

DEFAULT_PAGE_SIZE = 50
PAGE_SIZES = (25, 50, 100, 200)
MAX_PAGE = 100_000
MAX_SEARCH_LENGTH = 200


@dataclass(frozen=True)
class ListArgs:
    """What the reader asked of a list: search text, sort (a key of the view's sorts, and
    its direction), page and page size."""

    q: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE
    sorts: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def order_by(self) -> list[Any]:
        """The ORDER BY of the chosen sort: its column(s), in the chosen direction."""
        columns = self.sorts.get(self.sort)
        if columns is None:
            return []
        columns = columns if isinstance(columns, (list, tuple)) else [columns]
        return [column.desc() if self.descending else column.asc() for column in columns]


def list_args(
    args: MultiDict[str, str],
    *,
    sorts: Mapping[str, Any] | None = None,
    default_sort: str = "",
    default_descending: bool = False,
    per_page: int = DEFAULT_PAGE_SIZE,
) -> ListArgs:
    """The list's arguments from a query string; anything unknown or out of range falls
    back to the default (a shared address never errs)."""
    sorts = sorts or {}
    sort = args.get("sort", "")
    descending = default_descending
    if sort.startswith("-"):
        sort, descending = sort[1:], True
    elif sort:
        descending = False
    if sort not in sorts:
        sort, descending = default_sort, default_descending
    size = args.get("per_page", type=int)
    return ListArgs(
        q=" ".join(args.get("q", "").split())[:MAX_SEARCH_LENGTH],
        sort=sort,
        descending=descending,
        page=min(max(args.get("page", default=1, type=int) or 1, 1), MAX_PAGE),
        per_page=size if size in PAGE_SIZES else per_page,
        sorts=sorts,
    )


def page_of(statement: Select[Any], args: ListArgs, *tiebreakers: Any) -> Pagination:
    """One page of `statement`, sorted as `args` say, then by `tiebreakers` (say, the id,
    so that pages never overlap); without a chosen sort, in the statement's own order. A
    page past the end is empty, not an error."""
    if args.order_by:
        statement = statement.order_by(None).order_by(*args.order_by, *tiebreakers)
    return db.paginate(statement, page=args.page, per_page=args.per_page, error_out=False)


def list_url(**changes: Any) -> str:
    """This page's address with `changes` to its query string (None removes an argument);
    any change but the page's own goes back to page 1."""
    arguments = {**(request.view_args or {}), **request.args.to_dict()}
    if "page" not in changes:
        arguments.pop("page", None)
    for name, value in changes.items():
        if value is None or value == "":
            arguments.pop(name, None)
        else:
            arguments[name] = value
    return url_for(request.endpoint or "", **arguments)


def sort_link(args: ListArgs, key: str) -> tuple[str, str | None]:
    """(address, aria-sort) of a sortable column header: a click sorts by `key`, or turns
    the direction when the list is sorted by it already."""
    if args.sort != key:
        return list_url(sort=key), None
    if args.descending:
        return list_url(sort=key), "descending"
    return list_url(sort=f"-{key}"), "ascending"
