"""Booth pages, one module per audience, all on the one `booths` blueprint:

- `public`: the floor plan and the exhibitor directory, for everyone;
- `startup`: a startup's application, its booths, and choosing one in self-service;
- `organiser_plan`: halls, booths, the grid generator and the spreadsheet import;
- `organiser_applications`: reviewing applications, deciding, exporting;
- `organiser_allocation`: the allocation's dry run and commit, and moves by hand.

Importing this package registers every route on `bp`.
"""

from eventhub.booths.views import (  # noqa: F401 (each registers its routes on bp)
    organiser_allocation,
    organiser_applications,
    organiser_plan,
    public,
    startup,
)
from eventhub.booths.views.blueprint import bp

__all__ = ["bp"]
