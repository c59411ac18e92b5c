"""Startup and investor profiles: the owners' forms, the directory, the public pages."""

from __future__ import annotations

from typing import Any

import pytest

from eventhub.extensions import db
from eventhub.profiles.models import Investor, Startup
from eventhub.profiles.profiles import create_profile_for

# Programmes are the organiser's: the demo's three exist.
pytestmark = pytest.mark.usefixtures("in_english", "programmes")


def fresh(instance: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(instance), instance.id)


# My startup.


@pytest.fixture
def founder(login_as):
    return login_as("startup")


def startup_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Argan Pay",
        "sector": "fintech",
        "stage": "seed",
        "programme": "Accelerate",
        "city_site": "Rabat",
        "website": "https://arganpay.example.ma",
        "pitch": "Mobile payments for small shops.",
    }
    data.update(changes)
    return data


def test_my_startup_page_shows_the_profile(client, founder):
    response = client.get("/my/startup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{founder.startup.name}"' in page
    assert founder.name in page  # the team


def test_save_my_startup(client, founder):
    response = client.post("/my/startup", data=startup_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/startup"
    startup = fresh(founder.startup)
    assert (startup.name, startup.sector, startup.stage) == ("Argan Pay", "fintech", "seed")
    assert (startup.programme, startup.city_site) == ("Accelerate", "Rabat")
    assert startup.website == "https://arganpay.example.ma"
    assert startup.pitch == "Mobile payments for small shops."
    assert "Profile saved." in client.get("/my/startup").get_data(as_text=True)


def test_save_my_startup_without_the_optional_fields(client, founder):
    data = startup_data(programme="", city_site="", website="", pitch="")
    assert client.post("/my/startup", data=data).status_code == 302
    startup = fresh(founder.startup)
    assert (startup.programme, startup.city_site, startup.website, startup.pitch) == ("",) * 4


BAD_STARTUPS = {
    "missing-name": ({"name": ""}, "name", "This field is required."),
    "name-too-long": ({"name": "x" * 121}, "name", "Field cannot be longer than 120 characters."),
    "unknown-sector": ({"sector": "gambling"}, "sector", "Not a valid choice."),
    "unknown-stage": ({"stage": "unicorn"}, "stage", "Not a valid choice."),
    "unknown-programme": ({"programme": "Made up"}, "programme", "Not a valid choice."),
    "unknown-city": ({"city_site": "Paris"}, "city_site", "Not a valid choice."),
    "website-not-a-url": ({"website": "argan pay dot ma"}, "website", "Invalid URL."),
    "website-without-scheme": ({"website": "arganpay.example.ma"}, "website", "Invalid URL."),
    "website-javascript": (
        {"website": "javascript://example.com/%0Aalert(document.cookie)"},
        "website",
        "Invalid URL.",
    ),
    "website-data": ({"website": "data://text/html,<script>x</script>"}, "website", "Invalid URL."),
    "website-without-domain": ({"website": "https://localhost"}, "website", "Invalid URL."),
    "pitch-too-long": (
        {"pitch": "x" * 601},
        "pitch",
        "Field cannot be longer than 600 characters.",
    ),
}


def test_save_my_startup_refuses_bad_input(client, founder, field_errors, subtests):
    """One subtest per case of BAD_STARTUPS, signed in once."""
    before = founder.startup.name
    for case, (changes, field, message) in BAD_STARTUPS.items():
        with subtests.test(case):
            response = client.post("/my/startup", data=startup_data(**changes))
            assert response.status_code == 422
            assert message in field_errors(response, field)
            startup = fresh(founder.startup)
            assert (startup.name, startup.sector, startup.website) == (before, "ai", "")


@pytest.mark.parametrize("taken", ["Atlas AI", "atlas ai", "  ATLAS AI  "])
def test_save_my_startup_refuses_a_name_in_use(client, founder, make_user, field_errors, taken):
    make_user("startup", name="Atlas AI")
    before = founder.startup.name
    response = client.post("/my/startup", data=startup_data(name=taken))
    assert response.status_code == 422
    assert field_errors(response, "name") == ["Another startup already has this name."]
    assert fresh(founder.startup).name == before


def test_a_startup_may_change_the_case_of_its_own_name(client, founder):
    name = founder.startup.name
    response = client.post("/my/startup", data=startup_data(name=name.upper()))
    assert response.status_code == 302
    assert fresh(founder.startup).name == name.upper()


def test_startup_account_without_a_startup_is_sent_home(client, make_user, auth):
    user = make_user("startup")
    startup = user.startup
    user.startup = None
    db.session.delete(startup)
    db.session.commit()
    auth.login(user)
    response = client.get("/my/startup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Your account is not linked to a startup yet." in page


# My investor profile.


@pytest.fixture
def investor_user(login_as):
    return login_as("investor")


def investor_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fund": "Atlas Ventures",
        "ticket_min_eur": "50000",
        "ticket_max_eur": "500000",
        "sectors": ["fintech", "agritech"],
        "stages": ["seed"],
        "bio": "First cheques in North Africa.",
    }
    data.update(changes)
    return data


def test_my_investor_page_shows_the_profile(client, investor_user):
    response = client.get("/my/investor")
    assert response.status_code == 200
    assert f'value="{investor_user.investor.fund}"' in response.get_data(as_text=True)


def test_save_my_investor_profile(client, investor_user):
    response = client.post("/my/investor", data=investor_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/investor"
    investor = fresh(investor_user.investor)
    assert investor.fund == "Atlas Ventures"
    assert (investor.ticket_min_eur, investor.ticket_max_eur) == (50_000, 500_000)
    assert investor.sectors == ["fintech", "agritech"]
    assert investor.stages == ["seed"]
    assert investor.bio == "First cheques in North Africa."


@pytest.mark.parametrize(
    ("low", "high"), [("", ""), ("100000", ""), ("", "100000"), ("100000", "100000")]
)
def test_ticket_sizes_may_be_open_or_equal(client, investor_user, low, high):
    response = client.post(
        "/my/investor", data=investor_data(ticket_min_eur=low, ticket_max_eur=high)
    )
    assert response.status_code == 302


BAD_INVESTORS = {
    "missing-fund": ({"fund": ""}, "fund", "This field is required."),
    "ticket-range-inverted": (
        {"ticket_min_eur": "500000", "ticket_max_eur": "50000"},
        "ticket_max_eur",
        "The largest ticket cannot be smaller than the smallest.",
    ),
    "negative-ticket": (
        {"ticket_min_eur": "-1"},
        "ticket_min_eur",
        "Number must be between 0 and 1000000000.",
    ),
    "ticket-beyond-a-billion": (
        {"ticket_max_eur": "5000000000"},
        "ticket_max_eur",
        "Number must be between 0 and 1000000000.",
    ),
    "ticket-not-a-number": (
        {"ticket_min_eur": "fifty thousand"},
        "ticket_min_eur",
        "Not a valid integer value.",
    ),
    "unknown-sector": (
        {"sectors": ["fintech", "gambling"]},
        "sectors",
        "'gambling' is not a valid choice for this field.",
    ),
    "unknown-stage": (
        {"stages": ["unicorn"]},
        "stages",
        "'unicorn' is not a valid choice for this field.",
    ),
    "bio-too-long": ({"bio": "x" * 1201}, "bio", "Field cannot be longer than 1200 characters."),
}


def test_save_my_investor_profile_refuses_bad_input(client, investor_user, field_errors, subtests):
    """One subtest per case of BAD_INVESTORS, signed in once."""
    before = investor_user.investor.fund
    for case, (changes, field, message) in BAD_INVESTORS.items():
        with subtests.test(case):
            response = client.post("/my/investor", data=investor_data(**changes))
            assert response.status_code == 422
            assert message in field_errors(response, field)
            investor = fresh(investor_user.investor)
            assert (investor.fund, investor.ticket_min_eur, investor.sectors) == (before, None, [])


# The directory and the public pages.


def test_startup_directory_lists_every_startup_by_name(client, login_as, make_user):
    make_user("startup", name="Zellige Learn")
    make_user("startup", name="Argan Pay")
    login_as("investor")
    response = client.get("/startups")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Argan Pay") < page.index("Zellige Learn")
    argan = db.session.scalar(db.select(Startup).filter_by(name="Argan Pay"))
    assert f'href="/startups/{argan.id}"' in page


def test_startup_page(client, login_as, make_user):
    founder = make_user("startup", name="Argan Pay")
    startup = founder.startup
    startup.website = "https://arganpay.example.ma"
    startup.pitch = "<script>alert(1)</script> Payments."
    db.session.commit()
    login_as("investor")
    page = client.get(f"/startups/{startup.id}").get_data(as_text=True)
    assert "Argan Pay" in page
    assert founder.name in page
    assert 'href="https://arganpay.example.ma"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_investor_page(client, login_as, make_user):
    user = make_user("investor", name="Karim Tazi")
    investor = user.investor
    investor.fund = "Sahara Capital"
    investor.ticket_min_eur, investor.ticket_max_eur = 50_000, 400_000
    investor.sectors = ["fintech"]
    db.session.commit()
    login_as("startup")
    page = client.get(f"/investors/{investor.id}").get_data(as_text=True)
    assert "Sahara Capital" in page and "Karim Tazi" in page
    assert "50,000" in page and "400,000" in page
    assert "Fintech" in page


@pytest.mark.parametrize("path", ["/startups/999", "/investors/999", "/investors/99999999999"])
def test_unknown_profiles_are_404(client, login_as, path):
    login_as("investor")
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# Profiles of new accounts.


def test_profiles_are_created_with_the_account(make_user):
    startup = make_user("startup", name="Founder Name").startup
    assert isinstance(startup, Startup)
    assert startup.name == "Founder Name"
    investor = make_user("investor", name="Angel Name").investor
    assert isinstance(investor, Investor)
    assert investor.fund == "Angel Name"
    staff = make_user("staff")
    assert staff.startup is None and staff.investor is None


def test_startup_names_stay_unique(make_user):
    first = make_user("startup", name="Atlas AI")
    second = make_user("startup", name="atlas ai")
    third = make_user("startup", name="Atlas AI")
    assert [u.startup.name for u in (first, second, third)] == [
        "Atlas AI",
        "atlas ai (2)",
        "Atlas AI (3)",
    ]


def test_startup_names_stay_within_the_column(make_user):
    long_name = "N" * 120
    make_user("startup", name=long_name)
    second = make_user("startup", name=long_name)
    assert len(second.startup.name) == 120
    assert second.startup.name.endswith(" (2)")


def test_create_profile_for_keeps_an_existing_profile(make_user):
    user = make_user("investor")
    investor = user.investor
    create_profile_for(user)
    assert user.investor is investor


def test_a_nul_byte_typed_in_a_text_field_is_not_stored(client, founder):
    response = client.post("/my/startup", data=startup_data(name="Argan\x00 Pay"))
    assert response.status_code in (302, 422)
    assert "\x00" not in fresh(founder.startup).name
