"""The leads pages, exports and API over HTTP: who may open them, what a scan answers, and
that a visitor who did not agree to share their contact stays anonymous everywhere."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventhub.auth.accounts import issue_api_token
from eventhub.badges.signing import badge_token
from eventhub.deals.leads.models import Lead
from eventhub.extensions import db
from eventhub.registration.models import Registration
from eventhub.registration.register import cancel
from tests.deals.leads.conftest import SHARED, assert_no_secret, visitor
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english")


def sign_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def lead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def scan(client, code: str, slug: str = "leads-expo"):
    return client.post(f"/events/{slug}/leads/scan", data={"code": code})


def scan_both(client, show) -> tuple[int, int]:
    """Atlas's team scans both visitors through the page; the ids of their leads."""
    ids = []
    for token in (show.shared_token, show.secret_token):
        response = scan(client, token)
        assert response.status_code == 302, response.get_data(as_text=True)
        ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
    return ids[0], ids[1]


# Who may open what -------------------------------------------------------------------------


def pages_of(show, lead_id: int) -> list[str]:
    slug = show.event.slug
    return [
        f"/events/{slug}/leads",
        f"/events/{slug}/leads/{lead_id}",
        f"/events/{slug}/leads.csv",
        f"/events/{slug}/leads.xlsx",
    ]


def test_the_team_opens_its_pages(client, show):
    sign_in(client, show.atlas)
    _shared_id, secret_id = scan_both(client, show)
    for path in pages_of(show, secret_id):
        assert client.get(path).status_code == 200, path
    # A teammate too.
    client.post("/logout")
    sign_in(client, show.atlas_mate)
    for path in pages_of(show, secret_id):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ["admin", "staff", "investor"])
def test_other_roles_are_forbidden(client, show, make_user, role):
    sign_in(client, show.atlas)
    _shared_id, secret_id = scan_both(client, show)
    client.post("/logout")
    sign_in(client, make_user(role))
    for path in pages_of(show, secret_id):
        response = client.get(path)
        assert response.status_code == 403, path
        assert_no_secret(response.get_data(as_text=True))
    assert scan(client, show.shared_token).status_code == 403
    response = client.post(f"/events/{show.event.slug}/leads/{secret_id}", data={"note": "x"})
    assert response.status_code == 403
    api = client.post(f"/api/v1/events/{show.event.slug}/leads", json={"code": show.shared_token})
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "forbidden"
    assert lead_count() == 2


def test_anonymous_visitors_are_sent_to_log_in(client, show):
    for path in pages_of(show, 1):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert scan(client, show.shared_token).status_code == 302
    api = client.post(f"/api/v1/events/{show.event.slug}/leads", json={"code": show.shared_token})
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthenticated"
    assert lead_count() == 0


def test_other_startups_see_nothing_of_a_team_s_leads(client, show):
    sign_in(client, show.atlas)
    shared_id, secret_id = scan_both(client, show)
    client.post("/logout")
    sign_in(client, show.souk)  # a booth of its own at the same expo
    slug = show.event.slug
    for lead_id in (shared_id, secret_id):
        assert client.get(f"/events/{slug}/leads/{lead_id}").status_code == 404
        response = client.post(f"/events/{slug}/leads/{lead_id}", data={"note": "mine now"})
        assert response.status_code == 404
    listing = client.get(f"/events/{slug}/leads").get_data(as_text=True)
    assert "Salma" not in listing and "No lead yet" in listing
    export = client.get(f"/events/{slug}/leads.csv").get_data(as_text=True)
    assert "Salma" not in export and len(export.strip().splitlines()) == 1
    client.post("/logout")
    sign_in(client, show.no_booth)  # no booth at this expo
    for path in pages_of(show, shared_id):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "has no booth at this event" in response.get_data(as_text=True)
    assert db.session.scalar(select(Lead.note).where(Lead.id == shared_id)) == ""


def test_the_organiser_sees_counts_per_booth_only(client, show, make_user):
    sign_in(client, show.atlas)
    scan_both(client, show)
    client.post("/logout")
    path = f"/organiser/events/{show.event.slug}/leads"
    assert client.get(path).status_code == 302
    for role_user in (show.atlas, make_user("staff"), make_user("investor")):
        sign_in(client, role_user)
        assert client.get(path).status_code == 403
        client.post("/logout")
    sign_in(client, make_user("admin"))
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Atlas AI" in page and "A01" in page and "Souk Pay" in page
    assert "Salma" not in page
    assert_no_secret(page)


# Scanning and the lead's note ----------------------------------------------------------------


def test_scan_then_note_rating_and_tags(client, show):
    sign_in(client, show.atlas)
    response = scan(client, show.secret_token)
    assert response.status_code == 302
    lead_page = client.get(response.headers["Location"])
    page = lead_page.get_data(as_text=True)
    assert "New lead: An anonymous visitor of category Visitor stopped by." in page
    assert "An anonymous visitor of category Visitor stopped by" in page
    assert_no_secret(page)
    saved = client.post(
        response.headers["Location"],
        data={"rating": "4", "tags": "pilot, follow up", "note": "Wants a pilot"},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/leads")
    listing = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Lead saved." in listing and "Wants a pilot" in listing and "follow up" in listing
    assert "★★★★☆" in listing
    assert_no_secret(listing)
    # Scanned again: the same lead.
    again = scan(client, show.secret_token)
    assert again.headers["Location"] == response.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Scanned again" in page and "Scanned 2 times" in page
    assert lead_count() == 1
    bad = client.post(response.headers["Location"], data={"rating": "9", "note": ""})
    assert bad.status_code == 422
    assert db.session.scalar(select(Lead.rating)) == 4


def test_with_consent_the_team_sees_the_contact(client, show):
    sign_in(client, show.atlas)
    response = scan(client, show.shared_token)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "New lead: Salma Bennani (Atlas Agri) stopped by." in page
    for value in SHARED.values():
        assert value in page
    listing = client.get(f"/events/{show.event.slug}/leads").get_data(as_text=True)
    assert "Salma Bennani" in listing and SHARED["email"] in listing


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("garbage", 400, "This is not a badge code."),
        ("", 422, "Scan a badge or type its code."),
        ("1" + "B" * 32, 404, "This badge was not issued by this site."),
    ],
)
def test_garbage_gets_a_clear_message(client, show, code, status, message):
    sign_in(client, show.atlas)
    response = scan(client, code)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert lead_count() == 0


def test_another_event_s_badge_and_a_cancelled_one_are_refused(client, show, make_event):
    other = make_event(slug="other-expo")
    stranger = visitor(other, True, first_name="Ali", last_name="Kabbaj", email="ali@example.com")
    cancel(show.secret)
    db.session.commit()
    sign_in(client, show.atlas)
    response = scan(client, badge_token(stranger))
    assert response.status_code == 409
    assert "This badge is for another event" in response.get_data(as_text=True)
    response = scan(client, show.secret_token)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This registration is cancelled" in page
    assert_no_secret(page)
    assert lead_count() == 0


def test_search_never_finds_an_anonymous_visitor_by_their_details(client, show):
    sign_in(client, show.atlas)
    scan_both(client, show)
    slug = show.event.slug
    for q in ("Omar", "zouhairi", "hidden", "omar.zouhairi@hidden-org.example"):
        page = client.get(f"/events/{slug}/leads", query_string={"q": q}).get_data(as_text=True)
        assert "No lead matches." in page, q
        assert 'data-anonymous="true"' not in page
    page = client.get(f"/events/{slug}/leads", query_string={"q": "bennani"}).get_data(as_text=True)
    assert "Salma Bennani" in page and 'data-anonymous="true"' not in page
    page = client.get(f"/events/{slug}/leads", query_string={"q": "visitor"}).get_data(as_text=True)
    assert page.count('class="card lead-item"') == 2
    assert client.get(f"/events/{slug}/leads?page=999&sort=bogus").status_code == 200


# Exports -------------------------------------------------------------------------------------


def test_exports_hold_the_contact_only_with_consent_and_are_formula_safe(client, show):
    show.shared.organization = '=HYPERLINK("http://evil")'
    db.session.commit()
    sign_in(client, show.atlas)
    _shared_id, secret_id = scan_both(client, show)
    client.post(
        f"/events/{show.event.slug}/leads/{secret_id}",
        data={"note": "+call back", "tags": "@vip", "rating": ""},
    )
    csv_text = client.get(f"/events/{show.event.slug}/leads.csv").get_data(as_text=True)
    assert_no_secret(csv_text)
    assert "Salma" in csv_text and SHARED["email"] in csv_text
    assert "'=HYPERLINK" in csv_text and "'+call back" in csv_text and "'@vip" in csv_text
    assert "Anonymous visitor" in csv_text
    response = client.get(f"/events/{show.event.slug}/leads.xlsx")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert_no_secret(" ".join(cells))
    assert "Salma Bennani" in cells
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


# The API -------------------------------------------------------------------------------------


def test_the_api_records_a_lead_and_never_names_an_anonymous_visitor(client, show):
    sign_in(client, show.atlas)
    url = f"/api/v1/events/{show.event.slug}/leads"
    first = client.post(url, json={"code": show.secret_token})
    assert first.status_code == 201
    body = first.get_json()
    assert body["created"] is True
    assert body["lead"]["anonymous"] is True and body["lead"]["contact"] is None
    assert body["lead"]["category"] == "Visitor"
    assert_no_secret(first.get_data(as_text=True))
    again = client.post(url, json={"code": show.secret_token})
    assert again.status_code == 200 and again.get_json()["lead"]["scan_count"] == 2
    shared = client.post(url, json={"code": show.shared_token}).get_json()
    assert shared["lead"]["contact"] == {
        "name": "Salma Bennani",
        "organization": SHARED["organization"],
        "email": SHARED["email"],
        "job_title": SHARED["job_title"],
    }
    assert lead_count() == 2


def test_the_api_with_a_device_token(client, show):
    issued = issue_api_token(show.atlas, "booth phone")
    db.session.commit()
    response = client.post(
        f"/api/v1/events/{show.event.slug}/leads",
        json={"code": show.shared_token},
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"code": "not a badge"}, 400, "not_a_badge"),
        ({"code": "1" + "C" * 32}, 404, "unknown_badge"),
        ({}, 422, "validation_error"),
        ({"code": 12}, 422, "validation_error"),
        ({"code": "x" * 201}, 422, "validation_error"),
        ({"code": "1\x00"}, 400, "not_a_badge"),
    ],
)
def test_the_api_refuses_bad_input(client, show, payload, status, code):
    sign_in(client, show.atlas)
    response = client.post(f"/api/v1/events/{show.event.slug}/leads", json=payload)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert lead_count() == 0


def test_the_api_refusals_of_the_badge_and_of_the_booth(client, show, make_event):
    other = make_event(slug="other-expo")
    stranger = visitor(other, True, first_name="Ali", last_name="Kabbaj", email="ali@example.com")
    cancel(show.secret)
    db.session.commit()
    sign_in(client, show.atlas)
    url = f"/api/v1/events/{show.event.slug}/leads"
    for code, expected in (
        (badge_token(stranger), (409, "other_event")),
        (show.secret_token, (409, "registration_cancelled")),
    ):
        response = client.post(url, json={"code": code})
        assert (response.status_code, response.get_json()["error"]["code"]) == expected
        assert_no_secret(response.get_data(as_text=True))
    missing = client.post("/api/v1/events/no-such-expo/leads", json={"code": show.shared_token})
    assert missing.status_code == 404
    client.post("/logout")
    sign_in(client, show.no_booth)
    response = client.post(url, json={"code": show.shared_token})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_exhibitor"
    assert lead_count() == 0


# The visitor's consent -----------------------------------------------------------------------


def registration_of(email: str) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.email == email))


def test_the_form_asks_and_the_consent_is_off_by_default(client, show, form_data):
    page = client.get(f"/events/{show.event.slug}/register").get_data(as_text=True)
    assert 'name="share_with_exhibitors"' in page
    assert 'name="share_with_exhibitors" type="checkbox" value="y">' in page  # not checked
    assert (
        client.post(
            f"/events/{show.event.slug}/register", data=form_data(email="nour@example.com")
        ).status_code
        == 302
    )
    assert registration_of("nour@example.com").exhibitor_consent_at is None
    response = client.post(
        f"/events/{show.event.slug}/register",
        data=form_data(email="lina@example.com", share_with_exhibitors="y"),
    )
    assert response.status_code == 302
    given = registration_of("lina@example.com").exhibitor_consent_at
    assert given is not None and given.tzinfo is not None


def test_the_api_takes_the_consent(client, show):
    url = f"/api/v1/events/{show.event.slug}/registrations"
    body = {"first_name": "Nour", "last_name": "Alami", "country": "MA"}
    assert client.post(url, json={**body, "email": "a@example.com"}).status_code == 201
    assert registration_of("a@example.com").exhibitor_consent_at is None
    response = client.post(
        url, json={**body, "email": "b@example.com", "share_with_exhibitors": True}
    )
    assert response.status_code == 201
    assert registration_of("b@example.com").exhibitor_consent_at is not None
    bad = client.post(url, json={**body, "email": "c@example.com", "share_with_exhibitors": "x"})
    assert bad.status_code == 422
    assert "share_with_exhibitors" in bad.get_json()["error"]["details"]


def test_the_private_page_changes_and_withdraws_the_consent(client, show):
    manage = f"/r/{show.secret.manage_token}"
    page = client.get(manage).get_data(as_text=True)
    assert "only see that a visitor of your category stopped by" in page
    response = client.post(f"{manage}/exhibitor-consent", data={"share": "y"})
    assert response.status_code == 302 and response.headers["Location"] == manage
    db.session.expire_all()
    assert registration_of(show.secret.email).exhibitor_consent_at is not None
    page = client.get(manage).get_data(as_text=True)
    assert "now see your contact details" in page and "Since " in page
    client.post(f"{manage}/exhibitor-consent", data={})
    db.session.expire_all()
    assert registration_of(show.secret.email).exhibitor_consent_at is None
    assert client.post("/r/not-a-token/exhibitor-consent", data={"share": "y"}).status_code == 404


def test_a_withdrawn_consent_hides_the_contact_from_the_team_at_once(client, show, app):
    sign_in(client, show.atlas)
    scan(client, show.shared_token)
    listing = client.get(f"/events/{show.event.slug}/leads").get_data(as_text=True)
    assert "Salma Bennani" in listing
    visitor_browser = app.test_client()
    visitor_browser.post(f"/r/{show.shared.manage_token}/exhibitor-consent", data={})
    listing = client.get(f"/events/{show.event.slug}/leads").get_data(as_text=True)
    assert "Salma" not in listing and SHARED["email"] not in listing
    export = client.get(f"/events/{show.event.slug}/leads.csv").get_data(as_text=True)
    assert "Salma" not in export


def test_the_consent_form_needs_its_csrf_token(client, show, csrf_enabled):
    response = client.post(f"/r/{show.secret.manage_token}/exhibitor-consent", data={"share": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert registration_of(show.secret.email).exhibitor_consent_at is None


def test_times_are_stored_in_utc(show):
    assert show.shared.exhibitor_consent_at.utcoffset() == timedelta(0)
