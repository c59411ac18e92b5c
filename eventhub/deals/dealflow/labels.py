"""The words for interest levels and next steps: as the investor reads them, and as the
startup is addressed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

INTEREST_LABELS = {"none": _l("None"), "low": _l("Low"), "high": _l("High")}

STEP_LABELS = {
    "send_deck": _l("Send deck"),
    "second_meeting": _l("Second meeting"),
    "due_diligence": _l("Due diligence"),
    "term_sheet": _l("Term sheet"),
    "pass": _l("Pass"),
}

# What the startup reads (a `pass` is never shown to it).
STARTUP_STEP_LABELS = {
    "send_deck": _l("Send your deck"),
    "second_meeting": _l("Second meeting proposed"),
    "due_diligence": _l("Due diligence: documents will be asked for"),
    "term_sheet": _l("Term sheet in preparation"),
}

STARTUP_STEP_HINTS = {
    "send_deck": _l("Give the link to your deck (a shared folder or file)."),
    "second_meeting": _l("Suggest a few dates, or a link to book a time."),
    "due_diligence": _l("Give the link to your data room, or say when it will be ready."),
    "term_sheet": _l("Say who will read the term sheet on your side."),
}
