"""Two-factor sign-in: setting it up, codes accepted once, recovery codes, the code asked
after the password, the organisers' requirement and its enforcement, the command line."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select, update

from eventhub.admin.audit import audit_sentence
from eventhub.auth import two_factor
from eventhub.auth.accounts import issue_api_token
from eventhub.auth.models import AuditEntry, PlatformSetting, RecoveryCode, User
from eventhub.auth.two_factor_views import PENDING_KEY
from eventhub.extensions import db
from eventhub.models_common import utcnow
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.usefixtures("in_english", "logic_in_english")

STEP = timedelta(seconds=30)


# ---------------------------------------------------------------------------------------
# Helpers


def enable(user: User) -> tuple[pyotp.TOTP, list[str]]:
    """Two-factor sign-in on for `user`, confirmed with a code of some steps ago: the codes
    of now are still unused."""
    before = utcnow() - 3 * STEP
    two_factor.start_setup(user)
    totp = pyotp.TOTP(user.totp_secret)
    codes = two_factor.confirm_setup(user, totp.at(before), before)
    db.session.commit()
    return totp, codes


def set_policy(required: bool) -> None:
    two_factor.set_setting(two_factor.REQUIRED_SETTING, required, None)
    db.session.commit()


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def password_step(client, user: User, **extra: Any):
    data = {"email": user.email, "password": TEST_PASSWORD, **extra.pop("data", {})}
    return client.post("/login" + extra.pop("query", ""), data=data)


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def other_browser_signed_in(app, user: User):
    other = app.test_client()
    response = other.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return other


# ---------------------------------------------------------------------------------------
# The logic: setting up, codes once, recovery codes


def test_start_setup_draws_a_secret_kept_but_not_in_force(make_user):
    user = make_user("staff", email="door@example.test")
    setup = two_factor.start_setup(user)
    assert re.fullmatch(r"[A-Z2-7]{32}", setup.secret)
    assert user.totp_secret == setup.secret
    assert not user.two_factor_enabled
    assert setup.uri.startswith("otpauth://totp/EventHub:door%40example.test?")
    assert f"secret={setup.secret}" in setup.uri and "issuer=EventHub" in setup.uri
    assert setup.qr_svg.lstrip().startswith("<") and "<svg" in setup.qr_svg
    assert "<script" not in setup.qr_svg


def test_confirm_with_the_app_s_code_turns_it_on_and_gives_ten_codes(make_user):
    user = make_user("admin")
    token_before = user.session_token
    two_factor.start_setup(user)
    now = utcnow()
    codes = two_factor.confirm_setup(user, pyotp.TOTP(user.totp_secret).now(), now)
    db.session.commit()
    assert user.two_factor_enabled
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert not any(code in stored for code in codes)
    assert user.session_token != token_before  # the other sessions end
    assert audit_actions() == ["account.two_factor_enable"]


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "", "1234567"])
def test_a_wrong_code_does_not_turn_it_on(make_user, code):
    user = make_user("admin")
    two_factor.start_setup(user)
    if code == "000000" and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1):
        pytest.skip("the app's code happens to be 000000")
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.confirm_setup(user, code, utcnow())
    assert raised.value.code == "wrong_code"
    assert not fresh(user).two_factor_enabled
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_confirm_without_a_setup_or_twice_is_refused(make_user):
    user = make_user("admin")
    with pytest.raises(two_factor.TwoFactorError, match="Start the setup"):
        two_factor.confirm_setup(user, "123456", utcnow())
    enable(user)
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.start_setup(user)
    assert raised.value.code == "already_enabled"


def test_a_code_is_accepted_once(make_user):
    user = make_user("staff")
    totp, _codes = enable(user)
    now = utcnow()
    code = totp.at(now)
    assert two_factor.verify_code(user, code, now)
    assert not two_factor.verify_code(user, code, now)  # replayed
    assert not two_factor.verify_code(user, totp.at(now - STEP), now)  # older than the last
    assert two_factor.verify_code(user, totp.at(now + STEP), now + STEP)  # the next one


def test_the_code_of_the_step_before_or_after_is_accepted_not_further(make_user):
    user = make_user("staff")
    totp, _codes = enable(user)
    now = utcnow()
    assert not two_factor.verify_code(user, totp.at(now + 2 * STEP), now)
    assert two_factor.verify_code(user, totp.at(now - STEP), now)
    assert two_factor.verify_code(user, totp.at(now + STEP), now)
    assert fresh(user).totp_last_step == totp.timecode(now) + 1


def test_of_two_sign_ins_with_the_same_code_one_wins(make_user):
    """The check is the conditional UPDATE, not the value this worker loaded: another
    worker that recorded the step meanwhile makes this one lose."""
    user = make_user("staff")
    totp, _codes = enable(user)
    now = utcnow()
    loaded_last_step = user.totp_last_step
    db.session.execute(  # the other worker, faster
        update(User)
        .where(User.id == user.id)
        .values(totp_last_step=totp.timecode(now))
        .execution_options(synchronize_session=False)
    )
    assert user.totp_last_step == loaded_last_step  # this worker's copy is stale
    assert not two_factor.verify_code(user, totp.at(now), now)


def test_a_recovery_code_works_once(make_user):
    user = make_user("staff")
    _totp, codes = enable(user)
    now = utcnow()
    assert two_factor.use_recovery_code(user, codes[0], now)
    assert not two_factor.use_recovery_code(user, codes[0], now)
    # Typed without the hyphen, in capitals, with spaces: the same code.
    assert two_factor.use_recovery_code(user, f"  {codes[1].replace('-', '').upper()} ", now)
    assert two_factor.recovery_codes_left(user) == 8
    assert audit_actions().count("account.recovery_code_use") == 2


def test_a_recovery_code_of_another_account_or_made_up_is_refused(make_user):
    user, other = make_user("staff"), make_user("staff")
    _totp, codes = enable(user)
    enable(other)
    now = utcnow()
    for code in (codes[0].upper() + "x", "", "-----", "abcde-fghjk"):
        assert not two_factor.use_recovery_code(user, code, now)
    assert not two_factor.use_recovery_code(other, codes[0], now)
    assert two_factor.recovery_codes_left(user) == 10


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(make_user):
    user = make_user("staff")
    totp, old = enable(user)
    now = utcnow()
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.regenerate_recovery_codes(user, "not-a-code", now)
    new = two_factor.regenerate_recovery_codes(user, totp.at(now), now)
    db.session.commit()
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.use_recovery_code(user, old[0], now)
    assert two_factor.use_recovery_code(user, new[0], now)
    assert "account.recovery_codes_regenerate" in audit_actions()


def test_disable_needs_the_password_and_a_code(make_user):
    user = make_user("investor")
    totp, codes = enable(user)
    now = utcnow()
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.disable(user, "not-the-password", totp.at(now), now)
    assert raised.value.field == "password"
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.disable(user, TEST_PASSWORD, "000001", now - 10 * STEP)
    assert raised.value.field == "code"
    two_factor.disable(user, TEST_PASSWORD, codes[3], now)  # a recovery code will do
    db.session.commit()
    user = fresh(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert audit_actions()[-1] == "account.two_factor_disable"


def test_disable_is_refused_while_the_policy_requires_it(make_user):
    staff, startup = make_user("staff"), make_user("startup")
    staff_totp, _codes = enable(staff)
    startup_totp, _codes = enable(startup)
    set_policy(True)
    now = utcnow()
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.disable(staff, TEST_PASSWORD, staff_totp.at(now), now)
    assert raised.value.code == "two_factor_required"
    two_factor.disable(startup, TEST_PASSWORD, startup_totp.at(now), now)  # optional for them
    assert not startup.two_factor_enabled


@pytest.mark.parametrize(
    ("role", "required"),
    [("admin", True), ("staff", True), ("startup", False), ("investor", False)],
)
def test_the_policy_concerns_organisers_and_door_staff(make_user, role, required):
    user = make_user(role)
    assert not two_factor.required_for(user)
    set_policy(True)
    assert two_factor.required_for(user) is required


def test_an_organiser_without_two_factor_cannot_require_it(make_user):
    admin = make_user("admin")
    with pytest.raises(two_factor.TwoFactorError) as raised:
        two_factor.set_policy(admin, True)
    assert raised.value.code == "own_two_factor_missing"
    assert not two_factor.policy_is_on()
    enable(admin)
    assert two_factor.set_policy(admin, True)
    assert not two_factor.set_policy(admin, True)  # no change, nothing audited
    assert two_factor.set_policy(admin, False)
    db.session.commit()
    setting = db.session.get(PlatformSetting, two_factor.REQUIRED_SETTING)
    assert setting.value is False and setting.updated_by_id == admin.id
    assert audit_actions()[-2:] == ["settings.two_factor_required", "settings.two_factor_optional"]


def test_each_change_has_a_sentence_in_the_audit_log(app, make_user):
    admin = make_user("admin", name="Nadia")
    totp, codes = enable(admin)
    now = utcnow()
    two_factor.use_recovery_code(admin, codes[0], now)
    two_factor.regenerate_recovery_codes(admin, totp.at(now), now)
    two_factor.set_policy(admin, True)
    two_factor.set_policy(admin, False)
    two_factor.disable(admin, TEST_PASSWORD, totp.at(now + STEP), now + STEP)
    enable(admin)
    two_factor.reset(admin)
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        sentences = [re.sub(r"<[^>]+>", "", str(audit_sentence(entry))) for entry in entries]
    assert sentences == [
        "Nadia turned on two-factor sign-in.",
        "Nadia signed in with a two-factor recovery code.",
        "Nadia drew new two-factor recovery codes.",
        "Nadia required two-factor sign-in for organisers and door staff.",
        "Nadia made two-factor sign-in optional again.",
        "Nadia turned off two-factor sign-in.",
        "Nadia turned on two-factor sign-in.",
        f"Someone at the command line removed the two-factor sign-in of {admin.email}.",
    ]


# ---------------------------------------------------------------------------------------
# Signing in: the password, then the code


def test_the_password_alone_does_not_sign_in(client, make_user):
    user = make_user("admin")
    enable(user)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    with client.session_transaction() as session:
        assert "_user_id" not in session
        assert session[PENDING_KEY]["user"] == user.id
    protected = client.get("/organiser/")
    assert protected.status_code == 302
    assert protected.headers["Location"].startswith("/login")
    assert fresh(user).last_login_at is None  # not until the code


def test_password_then_code_signs_in_and_goes_on_to_next(client, make_user):
    user = make_user("admin")
    totp, _codes = enable(user)
    password_step(client, user, query="?next=/organiser/users")
    page = client.get("/login/code")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/users"
    assert client.get("/organiser/").status_code == 200
    assert fresh(user).last_login_at is not None
    with client.session_transaction() as session:
        assert PENDING_KEY not in session


def test_without_next_the_code_leads_home_and_an_unsafe_next_is_ignored(client, make_user):
    user = make_user("staff")
    totp, _codes = enable(user)
    password_step(client, user, query="?next=https://evil.example/")
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("code", ["000000", "12 34", "abcdef", ""])
def test_a_wrong_code_at_sign_in_changes_nothing(client, make_user, code):
    user = make_user("admin")
    totp, _codes = enable(user)
    if totp.verify(code, valid_window=1):
        pytest.skip("the app's code happens to be this one")
    password_step(client, user)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code in (401, 422)
    assert "code" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert client.post("/login/code", data={"code": totp.now()}).status_code == 302
    assert signed_in(client)


def test_a_wrong_code_answers_401_with_the_message_at_the_field(client, make_user, field_errors):
    user = make_user("admin")
    totp, _codes = enable(user)
    wrong = "111111" if totp.now() != "111111" else "222222"
    password_step(client, user)
    response = client.post("/login/code", data={"code": wrong})
    assert response.status_code == 401
    assert field_errors(response, "code") == ["This code is not right, or was already used."]


def test_a_code_used_to_sign_in_cannot_sign_in_again(app, client, make_user):
    user = make_user("admin")
    totp, _codes = enable(user)
    code = totp.now()
    password_step(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    thief = app.test_client()
    password_step(thief, user)
    assert thief.post("/login/code", data={"code": code}).status_code == 401
    assert not signed_in(thief)


def test_a_recovery_code_signs_in_once(client, make_user):
    user = make_user("staff")
    _totp, codes = enable(user)
    password_step(client, user)
    page = client.get("/login/code?with=recovery").get_data(as_text=True)
    assert "Recovery code" in page and "Use a code of the authenticator app" in page
    response = client.post("/login/code?with=recovery", data={"code": codes[0]})
    assert response.status_code == 302
    assert "9 left" in client.get("/staff/").get_data(as_text=True)
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code?with=recovery", data={"code": codes[0]}).status_code == 401
    assert not signed_in(client)


def test_the_code_page_links_to_recovery_codes(client, make_user):
    user = make_user("staff")
    enable(user)
    password_step(client, user)
    assert "/login/code?with=recovery" in client.get("/login/code").get_data(as_text=True)


def test_the_code_page_without_the_password_step_sends_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.post("/login/code", data={"code": "123456"}).status_code == 302


def test_a_signed_in_user_on_the_code_page_goes_home(client, login_as):
    login_as("staff")
    assert client.get("/login/code").headers["Location"] == "/staff/"


def test_the_pending_sign_in_expires_after_five_minutes(client, make_user):
    user = make_user("admin")
    totp, _codes = enable(user)
    password_step(client, user)
    with client.session_transaction() as session:
        marker = dict(session[PENDING_KEY])
        marker["at"] -= 301
        session[PENDING_KEY] = marker
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "The sign-in took too long" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)
    with client.session_transaction() as session:
        assert PENDING_KEY not in session


def test_the_pending_sign_in_ends_when_the_account_s_sessions_end(client, make_user):
    user = make_user("admin")
    totp, _codes = enable(user)
    password_step(client, user)
    user.session_token = "drawn-anew-by-a-password-change"
    db.session.commit()
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.headers["Location"] == "/login"
    assert not signed_in(client)


def test_remember_me_is_kept_for_after_the_code(client, make_user):
    user = make_user("staff")
    totp, _codes = enable(user)
    password_step(client, user, data={"remember": "y"})
    assert client.get_cookie("remember_token") is None
    client.post("/login/code", data={"code": totp.now()})
    assert client.get_cookie("remember_token") is not None


def test_an_account_without_two_factor_signs_in_with_its_password(client, make_user):
    user = make_user("staff")
    assert password_step(client, user).headers["Location"] == "/staff/"


def test_codes_at_sign_in_are_rate_limited(client, make_user, rate_limits_enabled):
    user = make_user("staff")
    enable(user)
    password_step(client, user)
    statuses = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(11)]
    assert statuses[-1] == 429
    assert 429 not in statuses[:10]


# ---------------------------------------------------------------------------------------
# The account's page


def test_setting_it_up_from_the_account_page(app, client, make_user):
    user = make_user("staff")
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    other = other_browser_signed_in(app, user)
    account = client.get("/account").get_data(as_text=True)
    assert "/account/two-factor" in account
    start = client.get("/account/two-factor")
    assert start.status_code == 200 and "Set up two-factor sign-in" in start.get_data(as_text=True)
    response = client.post("/account/two-factor/setup")
    assert response.status_code == 302
    secret = fresh(user).totp_secret
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    wrong = "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"
    refused = client.post("/account/two-factor/confirm", data={"code": wrong})
    assert refused.status_code == 422
    assert not fresh(user).two_factor_enabled
    response = client.post("/account/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", shown)
    assert len(codes) == 10
    assert 'download="eventhub-recovery-codes.txt"' in shown
    assert "data:text/plain;charset=utf-8," in shown
    assert fresh(user).two_factor_enabled
    assert signed_in(client)  # this browser stays signed in
    assert not signed_in(other)  # the others are signed out
    state = client.get("/account/two-factor").get_data(as_text=True)
    assert "10 recovery codes left." in state
    assert codes[0] not in state  # shown once


def test_new_recovery_codes_from_the_page(client, make_user):
    user = make_user("startup")
    totp, old = enable(user)
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    client.post("/login/code", data={"code": totp.now()})
    refused = client.post("/account/two-factor/recovery-codes", data={"regenerate-code": "12"})
    assert refused.status_code == 422
    response = client.post(
        "/account/two-factor/recovery-codes", data={"regenerate-code": totp.at(utcnow() + STEP)}
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10 and not set(codes) & set(old)
    assert signed_in(client)


def test_turning_it_off_from_the_page(client, make_user, field_errors):
    user = make_user("investor")
    totp, _codes = enable(user)
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    client.post("/login/code", data={"code": totp.now()})
    wrong = client.post(
        "/account/two-factor/disable",
        data={"disable-password": "wrong password", "disable-code": totp.at(utcnow() + STEP)},
    )
    assert wrong.status_code == 422
    assert field_errors(wrong, "disable-password") == ["The password is not right."]
    assert fresh(user).two_factor_enabled
    response = client.post(
        "/account/two-factor/disable",
        data={"disable-password": TEST_PASSWORD, "disable-code": totp.at(utcnow() + STEP)},
    )
    assert response.status_code == 302
    assert not fresh(user).two_factor_enabled
    assert signed_in(client)
    client.post("/logout")
    assert password_step(client, user).headers["Location"] == "/my/home"


def test_turning_it_off_is_refused_under_the_policy(client, make_user):
    user = make_user("staff")
    totp, _codes = enable(user)
    set_policy(True)
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    client.post("/login/code", data={"code": totp.now()})
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "it cannot be turned off" in page
    response = client.post(
        "/account/two-factor/disable",
        data={"disable-password": TEST_PASSWORD, "disable-code": totp.at(utcnow() + STEP)},
    )
    assert response.status_code == 409
    assert "The organisers require two-factor sign-in" in response.get_data(as_text=True)
    assert fresh(user).two_factor_enabled


def test_the_pages_refuse_anonymous_visitors(client):
    for path in ("/account/two-factor",):
        assert client.get(path).headers["Location"] == f"/login?next={path}"
    for path in (
        "/account/two-factor/setup",
        "/account/two-factor/confirm",
        "/account/two-factor/recovery-codes",
        "/account/two-factor/disable",
    ):
        assert client.post(path).headers["Location"].startswith("/login")


# ---------------------------------------------------------------------------------------
# Enforcement


@pytest.mark.parametrize(("role", "home"), [("admin", "/organiser/"), ("staff", "/staff/")])
def test_under_the_policy_pages_send_to_the_setup(client, login_as, role, home):
    login_as(role)
    set_policy(True)
    for path in (home, "/", "/account", "/organiser/users"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert "The organisers require two-factor sign-in" in page.get_data(as_text=True)


def test_under_the_policy_the_setup_sign_out_and_static_stay_open(client, login_as):
    user = login_as("staff")
    set_policy(True)
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/account/two-factor/setup").status_code == 302
    secret = fresh(user).totp_secret
    response = client.post("/account/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert client.get("/staff/").status_code == 200  # set up: the pages open again
    assert client.post("/logout").status_code == 302


def test_under_the_policy_sign_out_works_without_two_factor(client, login_as):
    login_as("admin")
    set_policy(True)
    assert client.post("/logout").headers["Location"] == "/"
    assert not signed_in(client)


def test_under_the_policy_the_api_answers_403_to_the_browser(client, login_as):
    login_as("staff")
    set_policy(True)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json["error"]["code"] == "two_factor_required"
    assert response.json["error"]["message"]


def test_under_the_policy_a_scanner_s_api_token_still_works(app, make_user):
    staff = make_user("staff")
    secret = issue_api_token(staff, "Gate A").secret
    db.session.commit()
    set_policy(True)
    device = app.test_client()
    response = device.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


@pytest.mark.parametrize(("role", "home"), [("startup", "/my/home"), ("investor", "/my/home")])
def test_the_policy_leaves_startups_and_investors_alone(client, login_as, role, home):
    login_as(role)
    set_policy(True)
    assert client.get(home).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_the_policy_off_sends_nobody_to_the_setup(client, login_as):
    login_as("staff")
    assert client.get("/staff/").status_code == 200


# ---------------------------------------------------------------------------------------
# The organisers' security page


def test_the_security_page_lists_who_has_no_two_factor(client, login_as, make_user):
    admin = login_as("admin")
    make_user("staff", name="Door Keeper")
    make_user("startup", name="Atlas Founder")
    with_it = make_user("staff", name="Careful Guard")
    enable(with_it)
    page = client.get("/organiser/security")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Door Keeper" in text and admin.name in text
    assert "Careful Guard" not in text and "Atlas Founder" not in text
    assert "set yours up first" in text


def test_requiring_it_is_refused_to_an_organiser_without_it(client, login_as, field_errors):
    login_as("admin")
    response = client.post("/organiser/security", data={"required": "y"})
    assert response.status_code == 409
    assert field_errors(response, "required") == [
        "Set up two-factor sign-in for your own account first: "
        "once it is required, you would be asked for it too."
    ]
    assert not two_factor.policy_is_on()


def test_an_organiser_with_two_factor_requires_it_and_lifts_it(client, make_user):
    admin = make_user("admin")
    totp, _codes = enable(admin)
    password_step(client, admin)
    client.post("/login/code", data={"code": totp.now()})
    response = client.post("/organiser/security", data={"required": "y"})
    assert response.status_code == 302
    assert two_factor.policy_is_on()
    page = client.get("/organiser/security").get_data(as_text=True)
    assert "now required" in page and "checked" in page
    assert client.post("/organiser/security", data={}).status_code == 302
    assert not two_factor.policy_is_on()
    assert audit_actions()[-2:] == ["settings.two_factor_required", "settings.two_factor_optional"]


@pytest.mark.parametrize("role", ["staff", "startup", "investor"])
def test_the_security_page_is_for_organisers_only(client, login_as, role):
    login_as(role)
    assert client.get("/organiser/security").status_code == 403
    assert client.post("/organiser/security", data={"required": "y"}).status_code == 403
    assert not two_factor.policy_is_on()


def test_the_security_page_sends_visitors_to_sign_in(client):
    response = client.get("/organiser/security")
    assert response.headers["Location"] == "/login?next=/organiser/security"
    assert client.post("/organiser/security", data={"required": "y"}).status_code == 302
    assert not two_factor.policy_is_on()


# ---------------------------------------------------------------------------------------
# The command line


def test_reset_two_factor_from_the_command_line(app, runner, make_user):
    user = make_user("staff", email="lost.phone@example.test")
    enable(user)
    token = fresh(user).session_token
    result = runner.invoke(args=["reset-two-factor", "Lost.Phone@example.test"])
    assert result.exit_code == 0, result.output
    assert "Removed the two-factor sign-in of lost.phone@example.test" in result.output
    user = fresh(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert user.session_token != token
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.target) == (
        "account.two_factor_reset",
        None,
        user.email,
    )
    client = app.test_client()
    assert password_step(client, user).headers["Location"] == "/staff/"


def test_reset_two_factor_of_an_account_without_it_or_unknown(runner, make_user):
    user = make_user("staff")
    result = runner.invoke(args=["reset-two-factor", user.email])
    assert result.exit_code == 0 and "nothing to remove" in result.output
    assert "account.two_factor_reset" not in audit_actions()
    result = runner.invoke(args=["reset-two-factor", "nobody@example.test"])
    assert result.exit_code != 0 and "No account uses nobody@example.test" in result.output


# ---------------------------------------------------------------------------------------
# CSRF


def test_the_forms_carry_a_csrf_token(client, make_user, csrf_enabled):
    user = make_user("admin")
    totp, _codes = enable(user)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    code_page = client.get("/login/code").get_data(as_text=True)
    assert 'name="csrf_token"' in code_page
    assert client.post("/login/code", data={"code": totp.now()}).status_code == 400
    assert not signed_in(client)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', code_page).group(1)
    response = client.post("/login/code", data={"code": totp.now(), "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert page.count('name="regenerate-csrf_token"') == 1
    assert page.count('name="disable-csrf_token"') == 1
    assert 'name="csrf_token"' in client.get("/organiser/security").get_data(as_text=True)
    assert client.post("/organiser/security", data={"required": "y"}).status_code == 400
    assert client.post("/account/two-factor/disable", data={}).status_code == 400
    assert fresh(user).two_factor_enabled
