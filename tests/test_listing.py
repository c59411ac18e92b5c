"""eventhub/listing.py: a list's arguments from the address, its pages, its links."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from eventhub.auth.models import User
from eventhub.listing import DEFAULT_PAGE_SIZE, list_args, list_url, page_of, sort_link

SORTS = {"name": User.name, "email": User.email}


def test_unknown_or_out_of_range_arguments_fall_back_to_the_defaults():
    args = list_args(
        MultiDict({"sort": "password", "page": "-4", "per_page": "100000", "q": "  a   b "}),
        sorts=SORTS,
        default_sort="name",
    )
    assert (args.sort, args.descending, args.page, args.per_page, args.q) == (
        "name",
        False,
        1,
        DEFAULT_PAGE_SIZE,
        "a b",
    )
    assert list_args(MultiDict({"page": "many"})).page == 1


def test_a_minus_sorts_descending():
    args = list_args(MultiDict({"sort": "-email"}), sorts=SORTS, default_sort="name")
    assert (args.sort, args.descending) == ("email", True)
    assert str(args.order_by[0]).endswith("DESC")


def test_pages_of_a_select(app, make_user):
    for number in range(7):
        make_user("staff", email=f"p{number}@example.test", name=f"Person {number}")
    args = list_args(MultiDict({"sort": "-name", "per_page": "25"}), sorts=SORTS)
    page = page_of(select(User).order_by(User.id), args, User.id)
    assert page.total == 7 and page.items[0].name == "Person 6"
    empty = page_of(select(User), list_args(MultiDict({"page": "9"})))
    assert empty.items == [] and empty.total == 7


def test_links_keep_the_other_arguments_and_go_back_to_page_one(app):
    with app.test_request_context("/organiser/users?q=amal&role=staff&page=3&sort=name"):
        from flask import request

        assert "page=4" in list_url(page=4) and "q=amal" in list_url(page=4)
        assert "page=" not in list_url(role="admin")
        assert "role=" not in list_url(role=None)
        args = list_args(request.args, sorts=SORTS, default_sort="name")
        link, state = sort_link(args, "name")
        assert state == "ascending" and "sort=-name" in link
        assert sort_link(args, "email")[1] is None
