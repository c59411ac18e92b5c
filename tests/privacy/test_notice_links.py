"""Every public form that collects personal data links to the privacy notice that applies,
and the notice shows the CNDP number and the retention."""

from __future__ import annotations


def test_the_registration_form_links_to_the_event_s_notice(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert f"/events/{event.slug}/privacy" in page
    assert 'name="news"' in page  # the optional consent to news, off by default
    assert 'name="news" type="checkbox" value="y" checked' not in page


def test_the_booth_application_links_to_the_event_s_notice(client, make_event, login_as):
    event = make_event()
    login_as("startup")
    page = client.get(f"/events/{event.slug}/booth-application").get_data(as_text=True)
    assert f"/events/{event.slug}/privacy" in page


def test_sign_up_links_to_the_platform_s_notice(client, in_english):
    assert 'href="/privacy"' in client.get("/sign-up").get_data(as_text=True)
    page = client.get("/privacy")
    assert page.status_code == 200 and "CNDP" in page.get_data(as_text=True)


def test_the_notice_shows_the_default_retention(client, in_english, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}/privacy").get_data(as_text=True)
    assert "12 months" in page and "Version" in page
