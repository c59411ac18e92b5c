"""The demo seed's leads: at booths of the demo expo, with and without the visitor's
consent, the demo startup's among them; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from eventhub.auth.models import User
from eventhub.deals.leads.contacts import leads_per_booth
from eventhub.deals.leads.models import Lead
from eventhub.demo import EXPO_SLUG, seed_demo
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Registration


def test_the_demo_expo_has_leads_with_and_without_consent(app, client, in_english):
    seed_demo()
    db.session.commit()
    expo = db.session.scalar(select(Event).where(Event.slug == EXPO_SLUG))
    leads = db.session.scalar(select(func.count()).select_from(Lead))
    consented = db.session.scalar(
        select(func.count())
        .select_from(Lead)
        .join(Registration, Registration.id == Lead.registration_id)
        .where(Registration.exhibitor_consent_at.is_not(None))
    )
    assert leads > 50 and 0 < consented < leads
    booths = [row for row in leads_per_booth(expo) if row.leads]
    assert len(booths) == 13
    demo = db.session.scalar(select(User).where(User.email == "startup@eventhub.test"))
    assert db.session.scalar(select(func.count()).where(Lead.startup_id == demo.startup_id)) == 18

    report = seed_demo()
    db.session.commit()
    assert "leads" not in report.created
    assert db.session.scalar(select(func.count()).select_from(Lead)) == leads

    response = client.post(
        "/login", data={"email": "startup@eventhub.test", "password": "eventhub-demo"}
    )
    assert response.status_code == 302
    page = client.get(f"/events/{EXPO_SLUG}/leads")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "An anonymous visitor of category" in text and 'data-anonymous="false"' in text
