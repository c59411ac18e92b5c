"""The errors of EventHub: one base for every refusal of the domain logic, and the API's.

Logic functions raise a subclass of `DomainError` (`RegistrationError`, `BoothError`…)
with a message for people, a stable machine `code` and, when the refusal is about one
input, the form `field` it belongs to. Views turn it into a form error
(`forms_common.show_error`); in the JSON API it needs no handling at all: the error
handler answers with `{"error": {"code", "message", "details"}}` and the status that
`API_STATUS` gives its code (422, bad input, when the code is not listed).

This module imports nothing of EventHub, so that every module may raise these.
"""

from __future__ import annotations

from typing import Any

# HTTP status of a refusal in the API, by its code; any other code is 422 (bad input).
API_STATUS: dict[str, int] = {
    # events
    "event_not_found": 404,
    # registration: a category name the event does not have, or one not open to all
    "unknown_category": 404,
    "category_not_public": 403,
    "no_public_category": 409,
    # organiser side only (imports, the desk): the public form and API answer a duplicate
    # 202 "check your e-mail" (eventhub/registration/optin.py)
    "already_registered": 409,
    "registration_closed": 409,
    "registration_not_open": 409,
    "event_closed": 409,
    "category_full": 409,
    "already_cancelled": 409,
    "not_cancelled": 409,
    "too_many_reissues": 409,
    # a link to confirm a registration's address (double opt-in): unknown, used, expired
    "confirmation_unknown": 404,
    "confirmation_used": 409,
    "already_confirmed": 409,
    "confirmation_expired": 410,
    # accounts
    "email_taken": 409,
    "no_startup": 403,
    # booths
    "not_expo": 404,
    "unknown_booth": 404,
    "no_application": 403,
    "not_approved": 403,
    "booth_taken": 409,
    "not_self_service": 409,
    "already_allocated": 409,
    "already_has_booth": 409,
    "booth_unfit": 409,
    "plan_changed": 409,
    "already_applied": 409,
    "not_open": 409,
    "past_event": 409,
    # meetings: not found, not theirs, then refused by the state of things
    "slot_not_found": 404,
    "meeting_not_found": 404,
    "investor_not_found": 404,
    "not_startup": 403,
    "not_party": 403,
    "own_slot": 403,
    "self_request": 403,
    "booking_closed": 409,
    "slot_closed": 409,
    "slot_in_past": 409,
    "cutoff_passed": 409,
    "slot_taken": 409,
    "startup_busy": 409,
    "pair_exists": 409,
    "pair_declined": 409,
    "limit_reached": 409,
    "not_confirmed": 409,
    "slot_booked": 409,
    "requests_closed": 409,
    "request_exists": 409,
    "request_declined": 409,
    "request_limit": 409,
    "request_answered": 409,
    "request_closed": 409,
    "request_scheduled": 409,  # and plan_changed, listed with the booths
    # matchmaking
    "not_event_investor": 403,
    "startup_not_found": 404,
    "party_not_found": 404,
    # check-in: a gate or day the event does not have; a request the state refuses
    "unknown_gate": 404,
    "day_not_in_event": 404,
    "nonce_reused": 409,
    "bad_scan_time": 409,
    # table check-in and standby (deals/tables)
    "code_unknown": 404,
    "offer_not_found": 404,
    "wrong_event": 409,
    "meeting_cancelled": 409,
    "no_meeting": 409,
    "no_show_recorded": 409,
    "standby_taken": 409,
    "offer_expired": 409,
    "not_on_standby": 403,
    "own_meeting": 403,
}


def api_status(code: str) -> int:
    return API_STATUS.get(code, 422)


class DomainError(Exception):
    """A refusal of the domain logic: nothing was changed.

    `message` is for people (often a lazy translated string), `code` a stable machine
    code (the API's `error.code`), `field` the input it is about, if one, and `details`
    any data an API client may use.
    """

    def __init__(
        self,
        message: Any,
        code: str,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}

    @property
    def status(self) -> int:
        return api_status(self.code)


class ApiError(Exception):
    """Raised by API views to answer with a JSON error body and this status."""

    def __init__(
        self, status: int, code: str, message: Any, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    @classmethod
    def of(cls, error: DomainError) -> ApiError:
        """The API's answer to a domain refusal: its status, and its field in `details`."""
        details = dict(error.details)
        if error.field:
            details.setdefault(error.field, [str(error.message)])
        return cls(error.status, error.code, error.message, details or None)
