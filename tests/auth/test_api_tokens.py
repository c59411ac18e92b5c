"""API tokens for scanner devices: the organiser page and the `api-token` commands."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select, update

from eventhub.auth.accounts import issue_api_token, token_holder
from eventhub.auth.models import ApiToken, AuditEntry
from eventhub.extensions import db

pytestmark = pytest.mark.usefixtures("in_english")

SECRET = re.compile(r"ehk_[A-Za-z0-9_-]{40,}")


def token_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def only_token() -> ApiToken:
    db.session.expire_all()
    return db.session.scalars(select(ApiToken)).one()


def test_page_offers_staff_and_organisers_only(client, login_as, make_user):
    login_as("admin")
    staff = make_user("staff", name="Door Keeper")
    startup = make_user("startup", name="Founder Person")
    page = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert f'value="{staff.id}"' in page
    assert f'value="{startup.id}"' not in page
    assert "No token yet." in page


def test_create_shows_the_secret_once_and_stores_only_its_hash(client, login_as, make_user):
    admin = login_as("admin")
    staff = make_user("staff")
    response = client.post(
        "/organiser/api-tokens", data={"user_id": staff.id, "label": "Gate A phone"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [secret] = set(SECRET.findall(page))
    assert "Copy it now" in page

    token = only_token()
    assert token.user_id == staff.id
    assert token.label == "Gate A phone"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.prefix, token.label}
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < len(secret) / 3
    audit = db.session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.actor_id, audit.target) == (
        "api_token.create",
        admin.id,
        token.prefix,
    )

    again = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert secret not in again
    assert token.prefix in again
    holder = token_holder(secret)
    assert holder is not None
    assert (holder.token_id, holder.label, holder.user_id, holder.role) == (
        token.id,
        "Gate A phone",
        staff.id,
        "staff",
    )


def test_a_token_works_only_until_revoked(client, login_as, make_user):
    login_as("admin")
    issued = issue_api_token(make_user("staff"), "Gate B")
    db.session.commit()
    assert token_holder(issued.secret) is not None

    response = client.post(f"/organiser/api-tokens/{issued.token.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/api-tokens"
    token = only_token()
    assert token.revoked_at is not None
    assert token_holder(issued.secret) is None
    page = client.get("/organiser/api-tokens").get_data(as_text=True)
    assert "Revoked" in page
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["api_token.revoke"]

    revoked_at = token.revoked_at
    assert client.post(f"/organiser/api-tokens/{token.id}/revoke").status_code == 302
    assert only_token().revoked_at == revoked_at  # a second revoke changes nothing


def test_a_token_of_a_deactivated_account_stops_working(make_user):
    staff = make_user("staff")
    issued = issue_api_token(staff, "Gate C")
    staff.is_active = False
    db.session.commit()
    assert token_holder(issued.secret) is None


@pytest.mark.parametrize(
    "secret",
    ["", "ehk_", "ehk_not-a-real-token", "Bearer ehk_x", "x" * 500],
)
def test_unknown_secrets_match_nothing(make_user, secret):
    issue_api_token(make_user("staff"), "Gate")
    db.session.commit()
    assert token_holder(secret) is None


@pytest.mark.parametrize("token_id", ["999", "99999999999999999999"])
def test_revoking_an_unknown_token_is_404(client, login_as, token_id):
    login_as("admin")
    response = client.post(f"/organiser/api-tokens/{token_id}/revoke")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"label": "Gate A"}, "user_id", "This field is required."),
        ({"user_id": "abc", "label": "Gate A"}, "user_id", "This field is required."),
        ({"user_id": "{startup}", "label": "Gate A"}, "user_id", "Not a valid choice."),
        ({"user_id": "{staff}", "label": ""}, "label", "This field is required."),
        ({"user_id": "{staff}", "label": "   "}, "label", "This field is required."),
        ({"user_id": "{staff}", "label": "x" * 81}, "label", "longer than 80 characters"),
    ],
    ids=["no-user", "user-not-a-number", "startup-user", "no-label", "blank-label", "long-label"],
)
def test_bad_input_shows_the_form_again(
    client, login_as, make_user, field_errors, data, field, message
):
    login_as("admin")
    ids = {"staff": make_user("staff").id, "startup": make_user("startup").id}
    response = client.post(
        "/organiser/api-tokens", data={k: v.format(**ids) for k, v in data.items()}
    )
    assert response.status_code == 422
    errors = field_errors(response, field)
    assert any(message in error for error in errors), errors
    assert not SECRET.search(response.get_data(as_text=True))
    assert token_count() == 0


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_non_organisers_cannot_see_create_or_revoke(client, login_as, make_user, role):
    issued = issue_api_token(make_user("staff"), "Gate")
    db.session.commit()
    user = login_as(role)
    assert client.get("/organiser/api-tokens").status_code == 403
    response = client.post("/organiser/api-tokens", data={"user_id": user.id, "label": "Mine"})
    assert response.status_code == 403
    assert client.post(f"/organiser/api-tokens/{issued.token.id}/revoke").status_code == 403
    assert token_count() == 1
    assert only_token().revoked_at is None


def test_revoke_without_csrf_token_is_refused(client, make_user, csrf_token, csrf_enabled):
    issued = issue_api_token(make_user("staff"), "Gate")
    admin = make_user("admin")
    db.session.commit()
    client.post(
        "/login",
        data={
            "email": admin.email,
            "password": "correct-horse-battery",
            "csrf_token": csrf_token("/login"),
        },
    )
    response = client.post(f"/organiser/api-tokens/{issued.token.id}/revoke")
    assert response.status_code == 400
    assert "The form expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert only_token().revoked_at is None

    token = csrf_token("/organiser/api-tokens")
    response = client.post(
        f"/organiser/api-tokens/{issued.token.id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert only_token().revoked_at is not None


# The command line.


def test_cli_create_prints_the_secret_alone_on_the_last_line(runner, make_user):
    staff = make_user("staff", email="gate@example.test")
    result = runner.invoke(args=["api-token", "create", "gate@example.test", "--label", "Gate A"])
    assert result.exit_code == 0, result.output
    secret = result.output.rstrip("\n").splitlines()[-1]
    assert SECRET.fullmatch(secret)
    token = only_token()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.user_id, token.label) == (staff.id, "Gate A")
    assert token_holder(secret).user_id == staff.id
    audit = db.session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.actor_id) == ("api_token.create", None)


def test_cli_create_for_an_organiser_with_the_default_label(runner, make_user):
    make_user("admin", email="boss@example.test")
    result = runner.invoke(args=["api-token", "create", "BOSS@example.test"])
    assert result.exit_code == 0, result.output
    assert only_token().label == "device"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.test"], "No account with e-mail nobody@example.test"),
        (["founder@example.test"], "for staff and organiser accounts only"),
        (["gate@example.test", "--label", "x" * 81], "at most 80 characters"),
    ],
    ids=["unknown-user", "startup-user", "long-label"],
)
def test_cli_create_refusals(runner, make_user, args, message):
    make_user("staff", email="gate@example.test")
    make_user("startup", email="founder@example.test")
    result = runner.invoke(args=["api-token", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert not SECRET.search(result.output)
    assert token_count() == 0


def test_cli_list_shows_tokens_but_never_their_secret(runner, make_user):
    staff = make_user("staff", email="gate@example.test")
    active = issue_api_token(staff, "Gate A")
    revoked = issue_api_token(staff, "Gate B")
    revoked.token.revoked_at = revoked.token.created_at
    db.session.commit()
    result = runner.invoke(args=["api-token", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2
    [active_line] = [line for line in lines if "Gate A" in line]
    [revoked_line] = [line for line in lines if "Gate B" in line]
    assert active.token.prefix in active_line and "active" in active_line
    assert revoked.token.prefix in revoked_line and "revoked" in revoked_line
    assert "gate@example.test" in active_line
    assert active.secret not in result.output
    assert revoked.secret not in result.output


def test_cli_revoke(runner, make_user):
    issued = issue_api_token(make_user("staff"), "Gate A")
    db.session.commit()
    result = runner.invoke(args=["api-token", "revoke", str(issued.token.id)])
    assert result.exit_code == 0, result.output
    assert issued.token.prefix in result.output
    assert only_token().revoked_at is not None
    assert token_holder(issued.secret) is None


@pytest.mark.parametrize("token_id", ["999", "0", "-1", "abc", "99999999999999999999"])
def test_cli_revoke_unknown_token(runner, make_user, token_id):
    issue_api_token(make_user("staff"), "Gate A")
    db.session.commit()
    result = runner.invoke(args=["api-token", "revoke", "--", token_id])
    assert result.exit_code != 0
    assert "Error" in result.output
    assert only_token().revoked_at is None


def test_a_revocation_by_another_process_takes_effect_at_once(make_user):
    issued = issue_api_token(make_user("staff"), "Gate E")
    db.session.commit()
    assert token_holder(issued.secret) is not None
    db.session.execute(  # as another process would
        update(ApiToken).where(ApiToken.id == issued.token.id).values(revoked_at=func.now())
    )
    db.session.commit()
    assert token_holder(issued.secret) is None
