"""Consent as records: the notice accepted (version, language, time) at registration, the
optional consents given and withdrawn from the private data page, with CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from eventhub.extensions import db
from eventhub.models_common import utcnow
from eventhub.privacy.consents import current_consents, is_granted
from eventhub.privacy.models import ConsentEvent
from eventhub.privacy.settings import NoticeSettings, peek_settings, save_notice
from eventhub.registration.models import Registration


def records(registration: Registration) -> list[ConsentEvent]:
    return list(
        db.session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.registration_id == registration.id)
            .order_by(ConsentEvent.id)
        )
    )


def registered(email: str) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.email == email))


def test_the_form_records_the_notice_version_language_and_time(
    client, in_english, make_event, form_data
):
    event = make_event()
    save_notice(event, NoticeSettings({"en": "Controller: Expo SA."}, "D-123/2026", 12))
    db.session.commit()
    assert peek_settings(event).notice_version == 2
    before = utcnow()
    response = client.post(f"/events/{event.slug}/register", data=form_data(news="y"))
    assert response.status_code == 302
    registration = registered("salma@example.com")
    latest = current_consents(registration)
    notice = latest["privacy_notice"]
    assert notice.granted and notice.notice_version == 2 and notice.language == "en"
    assert before - timedelta(seconds=1) <= notice.at <= utcnow()
    assert latest["news"].granted is True
    assert latest["exhibitors"].granted is False
    assert registration.exhibitor_consent_at is None


def test_the_notice_language_is_the_one_shown(client, make_event, form_data):
    """A French page with only an Arabic text shows (and records) the Arabic notice."""
    event = make_event()
    save_notice(event, NoticeSettings({"ar": "نص"}, "", 12))
    db.session.commit()
    client.post(f"/events/{event.slug}/register", data=form_data())
    notice = current_consents(registered("salma@example.com"))["privacy_notice"]
    assert notice.language == "ar"


def test_the_version_goes_up_only_when_the_notice_changes(make_event):
    event = make_event()
    settings = NoticeSettings({"fr": "Responsable : Expo SA."}, "D-1", 12)
    assert save_notice(event, settings) is True
    assert save_notice(event, settings) is False
    assert peek_settings(event).notice_version == 2
    assert save_notice(event, NoticeSettings(settings.texts, "D-1", 24)) is True
    assert peek_settings(event).notice_version == 3
    assert peek_settings(event).notice_changed_at is not None


def test_the_api_records_the_consents(client, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "first_name": "Karim",
            "last_name": "Tazi",
            "email": "karim@example.com",
            "country": "MA",
            "language": "en",
            "news": True,
            "share_with_exhibitors": True,
        },
    )
    assert response.status_code == 201, response.json
    latest = current_consents(registered("karim@example.com"))
    assert latest["privacy_notice"].language == "en"
    assert latest["news"].granted and latest["exhibitors"].granted


def test_grant_and_withdraw_from_the_private_page(client, make_event, make_registration):
    registration = make_registration(make_event())
    token = registration.manage_token
    base = f"/r/{token}/data/consents"
    assert client.post(f"{base}/news", data={"grant": "yes"}).status_code == 302
    assert client.post(f"{base}/exhibitors", data={"grant": "yes"}).status_code == 302
    db.session.expire_all()
    assert is_granted(registration, "news") and registration.exhibitor_consent_at is not None
    assert client.post(f"{base}/exhibitors", data={"grant": "no"}).status_code == 302
    assert client.post(f"{base}/news", data={"grant": "no"}).status_code == 302
    db.session.expire_all()
    assert not is_granted(registration, "news") and registration.exhibitor_consent_at is None
    kinds = [(entry.kind, entry.granted) for entry in records(registration)]
    assert kinds == [
        ("news", True),
        ("exhibitors", True),
        ("exhibitors", False),
        ("news", False),
    ]
    page = client.get(f"/r/{token}/data").get_data(as_text=True)
    # Both withdrawn: each may be given again, none withdrawn.
    assert page.count('name="grant" value="yes"') == 2
    assert 'name="grant" value="no"' not in page


def test_the_leads_consent_form_is_recorded_too(client, make_event, make_registration):
    registration = make_registration(make_event())
    client.post(f"/r/{registration.manage_token}/exhibitor-consent", data={"share": "y"})
    db.session.expire_all()
    assert registration.exhibitor_consent_at is not None
    assert [(e.kind, e.granted) for e in records(registration)] == [("exhibitors", True)]


def test_bad_consent_requests(client, make_event, make_registration):
    registration = make_registration(make_event())
    base = f"/r/{registration.manage_token}/data/consents"
    assert client.post(f"{base}/news", data={"grant": "maybe"}).status_code == 400
    assert client.post(f"{base}/news", data={}).status_code == 400
    assert client.post(f"{base}/privacy_notice", data={"grant": "no"}).status_code == 404
    unknown = client.post("/r/not-a-token/data/consents/news", data={"grant": "yes"})
    assert unknown.status_code == 404
    assert records(registration) == []


def test_the_consent_forms_need_the_csrf_token(
    client, make_event, make_registration, csrf_enabled, csrf_token
):
    registration = make_registration(make_event())
    token = registration.manage_token
    url = f"/r/{token}/data/consents/news"
    assert client.post(url, data={"grant": "yes"}).status_code == 400
    assert records(registration) == []
    good = csrf_token(f"/r/{token}/data")
    assert client.post(url, data={"grant": "yes", "csrf_token": good}).status_code == 302
    assert len(records(registration)) == 1
