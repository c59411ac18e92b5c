"""What the door staff reads for each answer, in their language."""

from __future__ import annotations

from flask_babel import gettext as _


def result_message(result: str) -> str:
    messages = {
        "admitted": _("Welcome: let them in."),
        "already_inside": _(
            "Already admitted today: check the person, do not let the badge in twice."
        ),
        "not_today": _("Not valid today: send them to the information desk."),
        "zone_not_allowed": _("This badge may not enter here: show them the right entrance."),
        "revoked": _("Badge no longer valid: send them to the information desk."),
        "unknown": _("Unknown badge: not a badge of this event."),
        "malformed": _("Not a badge code: scan the QR code on the badge."),
    }
    return messages[result]


def result_title(result: str) -> str:
    titles = {
        "admitted": _("Admitted"),
        "already_inside": _("Already inside"),
        "not_today": _("Not valid today"),
        "zone_not_allowed": _("Wrong entrance"),
        "revoked": _("Badge not valid"),
        "unknown": _("Unknown badge"),
        "malformed": _("Not a badge"),
    }
    return titles[result]


def scanner_labels() -> dict[str, object]:
    """Every text the scanner's JavaScript shows, in the staff member's language."""
    results = (
        "admitted",
        "already_inside",
        "not_today",
        "zone_not_allowed",
        "revoked",
        "unknown",
        "malformed",
    )
    return {
        "titles": {result: result_title(result) for result in results},
        "messages": {result: result_message(result) for result in results},
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
