"""Meeting pages, one module per audience, all on the one `meetings` blueprint:

- `startup`: the investor directory and an investor's page (sending a request), booking a
  slot, withdrawing a request;
- `investor`: its slots (opened in bulk, edited, deleted), declining a meeting, recording
  how it went, answering requests;
- `shared`: what both parties open: agendas and the printable agenda, calendar files and
  the private feed, cancelling a meeting, the requests page, availability;
- `organiser`: the rules, tables, slots for any investor, the scheduler, the report.

Importing this package registers every route. A view loads (or 404s), validates its form,
calls the logic, commits once, flashes and redirects, or renders. A page that shows a
refusal of the logic answers with the refusal's status (`eventhub.errors.API_STATUS`, as
the API does), one that shows a form's own errors with `form_status`.
"""

from __future__ import annotations

from eventhub.meetings.views import investor, organiser, shared, startup  # noqa: F401 (routes)
from eventhub.meetings.views.blueprint import bp

__all__ = ["bp"]
