"""The organiser's allocation page over HTTP: dry run, commit, and moves by hand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventhub.booths.layout import booth_by_code
from eventhub.booths.models import Booth, BoothApplication
from eventhub.extensions import db
from tests.booths.pages import SLUG, page_of

pytestmark = pytest.mark.usefixtures("in_english")


def test_allocation_dry_run_commit_and_moves(client, plan, login_as, outbox, field_errors):
    organiser = login_as("admin")
    page = page_of(client.get(f"/organiser/events/{SLUG}/allocation"))
    assert "Proposed plan (dry run)" in page and "Argan AI" in page
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', page).group(1)
    stale = client.post(f"/organiser/events/{SLUG}/allocation", data={"fingerprint": "0" * 20})
    assert stale.status_code == 302
    assert "changed since you looked" in page_of(client.get(stale.location))
    response = client.post(
        f"/organiser/events/{SLUG}/allocation", data={"fingerprint": fingerprint}
    )
    assert response.status_code == 302
    done = page_of(client.get(response.location))
    assert "Allocation saved" in done and "already the proposed one" in done
    argan = db.session.scalars(
        select(BoothApplication)
        .join(BoothApplication.startup)
        .where(
            BoothApplication.booth != None  # noqa: E711
        )
    ).all()
    assert len(argan) == 2
    assert len(outbox()) >= 1
    # Manual moves through the forms.
    atlas_app = booth_by_code(plan, "A01").application
    client.post(
        f"/organiser/events/{SLUG}/allocation/pin",
        data={"booth": "a06", "application_id": atlas_app.id},
    )
    db.session.expire_all()
    assert booth_by_code(plan, "A06").application_id == atlas_app.id
    other = next(b for b in db.session.scalars(select(Booth)) if b.status == "allocated"
                 and b.code != "A06")  # fmt: skip
    client.post(
        f"/organiser/events/{SLUG}/allocation/swap", data={"first": "A06", "second": other.code}
    )
    bad = client.post(
        f"/organiser/events/{SLUG}/allocation/swap", data={"first": "A06", "second": "Z9"}
    )
    assert bad.status_code == 422
    assert "There is no booth Z9" in field_errors(bad, "second")[0]
    db.session.expire_all()
    a06 = booth_by_code(plan, "A06")
    assert a06.application_id != atlas_app.id and a06.pinned
    client.post(f"/organiser/events/{SLUG}/booths/{a06.id}/release")
    db.session.expire_all()
    assert booth_by_code(plan, "A06").status == "available"
    log = page_of(client.get(f"/organiser/events/{SLUG}/allocation"))
    for sentence in ("saved the booth allocation", "on the booth", "swapped", "freed the booth"):
        assert sentence in log  # the log reads as sentences…
    for code in ("booth.allocation", "booth.pin", "booth.swap", "fingerprint:"):
        assert code not in log  # …with no code of the machine in them
    assert organiser.name in log


def test_moves_say_what_is_wrong_at_the_field(client, plan, login_as, field_errors):
    """A refused move shows the page again with the typed values and the reason at the
    field; nothing moves."""
    login_as("admin")
    url = f"/organiser/events/{SLUG}/allocation"
    argan = db.session.scalars(
        select(BoothApplication).where(BoothApplication.booth == None)  # noqa: E711
    ).one()
    booth_by_code(plan, "A02").status = "blocked"
    db.session.commit()
    for data, field, text in (
        ({"booth": "Z9", "application_id": argan.id}, "booth", "There is no booth Z9"),
        ({"booth": "A01", "application_id": argan.id}, "booth", "is allocated to Atlas AI"),
        ({"booth": "A02", "application_id": argan.id}, "booth", "is blocked"),
        ({"booth": "A03", "application_id": argan.id + 1000}, "application_id", "Not a valid"),
        ({"booth": "", "application_id": argan.id}, "booth", "required"),
    ):
        response = client.post(f"{url}/pin", data=data)
        assert response.status_code == 422, data
        assert any(text in error for error in field_errors(response, field)), data
        assert "Proposed plan (dry run)" in page_of(response)
    for data, field, text in (
        ({"first": "A01", "second": "A01"}, "second", "two different booths"),
        ({"first": "A03", "second": "A01"}, "first", "has no exhibitor"),
        ({"first": "Z8", "second": "A01"}, "first", "There is no booth Z8"),
    ):
        response = client.post(f"{url}/swap", data=data)
        assert response.status_code == 422, data
        assert any(text in error for error in field_errors(response, field)), data
    db.session.expire_all()
    assert booth_by_code(plan, "A01").exhibitor.name == "Atlas AI"
    assert argan.booth is None
    assert 'value="Z8"' in page_of(response)  # what was typed stays in the form


def fingerprint_and_mode(page: str) -> tuple[str, str]:
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', page).group(1)
    mode = re.search(r'name="mode" type="hidden" value="(\w+)"', page).group(1)
    return fingerprint, mode


def test_a_run_keeps_booths_and_reoptimising_shows_its_moves_first(client, plan, login_as, outbox):
    """Atlas AI holds A01 and would rather have A06: the default run places only Argan AI;
    'Re-optimise everything' shows the move before its own commit."""
    login_as("admin")
    atlas = booth_by_code(plan, "A01").application
    atlas.preferred_booths = ["A06"]
    db.session.commit()
    url = f"/organiser/events/{SLUG}/allocation"
    page = page_of(client.get(url))
    assert fingerprint_and_mode(page)[1] == "keep"
    assert re.search(r'id="count-new"><span class="figure change-new">1<', page)
    assert re.search(r'id="count-moved"><span class="figure change-moved">0<', page)
    assert re.search(r'id="count-kept"><span class="figure">1<', page)
    assert "Re-optimise everything" in page and "Re-optimising moves" not in page

    preview = page_of(client.get(f"{url}?reoptimise=1"))
    assert "Re-optimised plan (dry run)" in preview
    assert "Re-optimising moves 1 startup that already has a booth." in preview
    assert "Re-optimise and move 1 startup" in preview
    assert "moved from A01: the whole plan is re-optimised" in preview
    fingerprint, mode = fingerprint_and_mode(preview)
    assert mode == "reoptimise"
    db.session.expire_all()
    assert booth_by_code(plan, "A01").application_id == atlas.id  # nothing saved yet

    bad = client.post(url, data={"fingerprint": fingerprint, "mode": "everything"})
    assert bad.status_code == 400
    # The keep-mode commit cannot carry the re-optimised plan: it has changed.
    stale = client.post(url, data={"fingerprint": fingerprint, "mode": "keep"})
    assert "changed since you looked" in page_of(client.get(stale.location))
    done = client.post(url, data={"fingerprint": fingerprint, "mode": "reoptimise"})
    assert done.status_code == 302
    assert "1 moved" in page_of(client.get(done.location))
    db.session.expire_all()
    assert booth_by_code(plan, "A06").application_id == atlas.id
    assert len(outbox()) == 2  # Argan AI placed, Atlas AI moved
