"""The one error of the booths capability."""

from __future__ import annotations

from eventhub.errors import DomainError


class BoothError(DomainError):
    """Bad input or a refused action about halls, booths, applications or the allocation."""
