"""What the door staff reads for each answer, in their language."""

from __future__ import annotations

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
    }
