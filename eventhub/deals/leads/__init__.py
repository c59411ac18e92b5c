"""Exhibitor leads: a startup's team scans visitors' badges at its booth, with the
visitor's consent for their contact details (issue 19)."""
