"""The public booth pages over HTTP: the floor plan and the exhibitor directory."""

from __future__ import annotations

import re

import pytest

from eventhub.extensions import db
from tests.booths.pages import SLUG, page_of

# Programmes are the organiser's: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "programmes")


def test_floor_plan_draws_every_hall_to_scale(client, plan):
    page = page_of(client.get(f"/events/{SLUG}/floor-plan"))
    assert page.count('<svg class="floorplan') == 2
    assert 'viewBox="0 0 ' in page
    assert 'id="booth-A01"' in page and 'id="booth-P01"' in page
    assert (
        "<title>A01 · Atlas AI · 3 × 3 m · Standard · Artificial intelligence · Allocated" in page
    )
    # A01 links to its exhibitor, found by its code whatever page of the directory it is on
    assert f'href="/events/{SLUG}/exhibitors?q=A01#exhibitor-' in page
    assert "booth-highlight" not in page
    assert "Artificial intelligence" in page and "Fintech" in page  # legend
    highlighted = page_of(client.get(f"/events/{SLUG}/floor-plan?booth=a01&colour=status"))
    assert re.search(r'class="booth booth-allocated[^"]*booth-highlight"', highlighted)
    assert "data-found-code>A01<" in highlighted
    assert "Available" in highlighted  # status legend
    assert "/static/js/floorplan.js" in highlighted


def test_names_are_escaped_everywhere(client, expo, make_hall, make_startup, make_application):
    hall = make_hall(expo, booths=[("X01", 2, 2, 3, 3)])
    _user, startup = make_startup(name='<script>alert("x")</script>', pitch="<b>bold</b>")
    application = make_application(expo, startup)
    booth = hall.booths[0]
    booth.status, booth.application_id = "allocated", application.id
    db.session.commit()
    for url in (f"/events/{expo.slug}/floor-plan", f"/events/{expo.slug}/exhibitors"):
        page = page_of(client.get(url))
        assert "<script>alert" not in page and "<b>bold" not in page
        assert "&lt;script&gt;" in page


def test_exhibitor_directory_searches_and_links_to_the_plan(client, plan, make_startup):
    page = page_of(client.get(f"/events/{SLUG}/exhibitors"))
    assert "Atlas AI" in page and "Argan AI" not in page  # Argan AI has no booth yet
    assert f"/events/{SLUG}/floor-plan?booth=A01#booth-A01" in page
    assert "Atlas AI" in page_of(client.get(f"/events/{SLUG}/exhibitors?q=atlas&sector=ai"))
    for query in ("q=nothing", "sector=fintech", "programme=DigitAgri"):
        assert "No exhibitor matches." in page_of(client.get(f"/events/{SLUG}/exhibitors?{query}"))
    assert client.get(f"/events/{SLUG}/exhibitors?q=%25&sector=%3Cx%3E").status_code == 200
