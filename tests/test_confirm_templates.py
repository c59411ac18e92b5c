"""Safe actions (issue 18): no POST form's button says a bare "Cancel" or "Delete", the
destructive and outward-facing forms ask first, and confirm_attrs() escapes what it writes."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask, render_template_string

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BARE_WORDS = {"cancel", "delete", "annuler", "supprimer"}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
BUTTON = re.compile(r"<button\b[^>]*>(.*?)</button>", re.S | re.I)
SUBMIT_INPUT = re.compile(r"<input\b[^>]*type=\"submit\"[^>]*value=\"([^\"]*)\"", re.I)
GETTEXT = re.compile(r"""\{\{\s*_\(\s*(['"])(.*?)\1\s*\)\s*\}\}""", re.S)

# The forms that must ask before they act: (template, words that identify the form's action).
MUST_CONFIRM = [
    ("registration/organiser_list.html", "registration.organiser_cancel"),
    ("registration/organiser_list.html", "registration.organiser_reissue_badge"),
    ("registration/organiser_list.html", "registration.organiser_reinstate"),
    ("registration/manage.html", "registration.decline_place"),
    ("meetings/_slot_actions.html", "meetings.remove_slot"),  # in both slot tables
    ("meetings/_meeting_row.html", "meetings.cancel"),
    ("meetings/organiser.html", "meetings.delete_meeting_table"),
    ("meetings/my_agenda.html", "meetings.reset_feed"),
    ("meetings/requests_startup.html", "meetings.withdraw"),
    ("meetings/requests_investor.html", "meetings.answer"),
    ("checkin/gates.html", "checkin.delete_gate"),
    ("events/zones.html", "events.delete_zone"),
    ("auth/api_tokens.html", "auth.revoke_token"),
    ("admin/invitations.html", "admin.revoke_invitation"),
    ("admin/invitations.html", "admin.resend_invitation"),
    ("admin/invitations.html", "admin.resend_expired_invitations"),
    ("admin/user.html", "admin.resend_invitation"),
    ("admin/signups.html", "admin.approve_signup"),
    ("admin/signups.html", "admin.reject_signup"),
    ("profiles/team.html", "profiles.resend_teammate_invitation"),
    ("notifications/mail_log.html", "mail_log.resend_all_failed"),
    ("notifications/mail_log.html", "'mail_log.resend'"),
    ("booths/booth_form.html", "booths.release"),
    ("booths/booth_form.html", "booths.remove_booth"),
    ("booths/hall_form.html", "booths.remove_hall"),
    ("booths/allocation.html", "booths.commit"),
    ("booths/allocation.html", "booths.release"),
    ("booths/applications.html", 'id="bulk-decisions"'),
    ("booths/application.html", "booths.decide_application"),
]


def post_forms() -> list[tuple[str, str, str]]:
    """(template, the form's opening attributes, its body) of every POST form."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for attributes, body in FORM.findall(source):
            if re.search(r"method=[\"']?post", attributes, re.I):
                found.append((path.relative_to(TEMPLATES).as_posix(), attributes, body))
    return found


def button_words(body: str) -> list[str]:
    """The words of the form's buttons, the text inside _("...") where there is one."""
    words = []
    for inner in [*BUTTON.findall(body), *SUBMIT_INPUT.findall(body)]:
        marked = GETTEXT.findall(inner)
        text = " ".join(message for _quote, message in marked) if marked else inner
        words.append(re.sub(r"<[^>]+>|\s+", " ", text).strip())
    return words


def test_the_walk_finds_the_forms():
    forms = post_forms()
    assert len(forms) > 80
    assert any("Cancel registration" in button_words(body) for _t, _a, body in forms)


def test_no_post_form_button_says_a_bare_cancel_or_delete():
    bare = [
        (template, words)
        for template, _attributes, body in post_forms()
        for words in button_words(body)
        if words.strip(" .…").casefold() in BARE_WORDS
    ]
    assert bare == []


def test_destructive_and_outward_facing_forms_ask_first():
    forms = post_forms()
    missing = [
        (template, action)
        for template, action in MUST_CONFIRM
        if not any(
            name == template
            and action in attributes
            and ("confirm_attrs(" in attributes or "data-confirm=" in attributes)
            for name, attributes, _body in forms
        )
    ]
    assert missing == []


def test_confirm_attrs_escapes_the_sentence_and_the_words(app: Flask):
    source = (
        '{% from "_confirm.html" import confirm_attrs %}'
        "<form {{ confirm_attrs(sentence, words) }}></form>|<form {{ confirm_attrs(sentence) }}>"
    )
    with app.test_request_context("/"):
        out = render_template_string(
            source, sentence='Say "hi" <script>&', words="Delete <b>slot</b>"
        )
    assert out == (
        '<form data-confirm="Say &#34;hi&#34; &lt;script&gt;&amp;"'
        ' data-confirm-button="Delete &lt;b&gt;slot&lt;/b&gt;"></form>'
        '|<form data-confirm="Say &#34;hi&#34; &lt;script&gt;&amp;">'
    )
