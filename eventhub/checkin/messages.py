"""What the door staff reads for each answer, in their language."""

from __future__ import annotations

from collections.abc import Callable

from babel import Locale
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Lazy: each is translated when used, in the language of the request.
MESSAGES = {
    "admitted": _l("Welcome: let them in."),
    "reentered": _l("Welcome back: let them in again."),
    "exited": _l("Exit recorded: goodbye."),
    "zone_full": _l("This area is full: ask them to wait, or let them in if a supervisor agrees."),
    "already_inside": _l(
        "Already admitted today: check the person, do not let the badge in twice."
    ),
    "not_today": _l("Not valid today: send them to the information desk."),
    "zone_not_allowed": _l("This badge may not enter here: show them the right entrance."),
    "revoked": _l("Badge no longer valid: send them to the information desk."),
    "unknown": _l("Unknown badge: not a badge of this event."),
    "malformed": _l("Not a badge code: scan the QR code on the badge."),
}
TITLES = {
    "admitted": _l("Admitted"),
    "reentered": _l("Back in"),
    "exited": _l("Left"),
    "zone_full": _l("Area full"),
    "already_inside": _l("Already inside"),
    "not_today": _l("Not valid today"),
    "zone_not_allowed": _l("Wrong entrance"),
    "revoked": _l("Badge not valid"),
    "unknown": _l("Unknown badge"),
    "malformed": _l("Not a badge"),
}


def result_message(result: str) -> str:
    return str(MESSAGES[result])


def result_title(result: str) -> str:
    return str(TITLES[result])


def scanner_labels() -> dict[str, object]:
    """Every text the scanner's JavaScript shows, in the staff member's language."""
    return {
        "titles": {result: result_title(result) for result in TITLES},
        "messages": {result: result_message(result) for result in MESSAGES},
        "firstEntry": _("First entry at %(time)s, gate %(gate)s"),
        "offline": _("No answer from the server: scan again."),
        "offlineTitle": _("Not checked"),
        "retrying": _("Retrying…"),
        "chooseGate": _("Choose your gate before scanning."),
        "unknownGate": _("This gate is not one of the event's gates."),
        "cameraUnavailable": _("The camera is not available on this device or was refused."),
        "cameraOn": _("Stop camera"),
        "cameraOff": _("Use camera"),
        "signedOut": _("Your session has ended: sign in again."),
        "forbidden": _("Your account may not scan for this event."),
        "tapToContinue": _("Tap or scan to continue"),
        # Offline-first (issue 17). %(count)s, %(ago)s… are filled in by the page; the
        # plural forms are by CLDR category, chosen with Intl.PluralRules.
        "online": _("Online"),
        "offlineNow": _("Offline"),
        "offlineMark": _("Offline: decided by this device from its list"),
        "offlineShort": _("offline"),
        "listOf": _plural_forms(
            lambda n: ngettext(
                "List of %(count)s badge", "List of %(count)s badges", n, count="%(count)s"
            )
        ),
        "updated": _("updated %(ago)s"),
        "neverSynced": _("Never synced: the list downloads when the network is there."),
        "syncing": _("Downloading the list…"),
        "listDropped": _("List dropped: sign in again."),
        "needsHttps": _("Offline mode needs HTTPS: this device checks badges online only."),
        "noStorage": _("This browser cannot keep the list: offline mode is off."),
        "noList": _("No list on this device: the badge cannot be checked without the server."),
        "queueWaiting": _plural_forms(
            lambda n: ngettext(
                "%(count)s scan waiting to be sent",
                "%(count)s scans waiting to be sent",
                n,
                count="%(count)s",
            )
        ),
        "sending": _("Sending…"),
        "allSent": _("All sent"),
        "zoneLoad": _("%(zone)s: %(inside)s inside of %(capacity)s"),
        "reasons": {
            "badge_reissued": _("An older badge: a new one was printed."),
            "cancelled": _("The registration is cancelled."),
            "waitlisted": _("The person is on the waiting list."),
            "offered": _("A place is offered but not yet confirmed."),
            "unconfirmed": _("The e-mail address of this registration is not confirmed."),
        },
    }


# Numbers tried to find one of each plural category of a language.
PLURAL_SAMPLES = 200


def _plural_forms(text_for: Callable[[int], str]) -> dict[str, str]:
    """{CLDR plural category: text} for a count the page fills in: the text for one number
    of each category of the current language (Arabic has six). 1 and 2 come first: the
    numbers the category is named for (French "one" is 0 and 1)."""
    locale = get_locale() or Locale.parse("en")
    forms: dict[str, str] = {}
    for number in (1, 2, *range(PLURAL_SAMPLES)):
        forms.setdefault(locale.plural_form(number), text_for(number))
    return forms
