"""Response headers shared by several capabilities."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, send_file

from eventhub.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, Table

PRIVATE_ROBOTS_TAG = "noindex, nofollow"  # marks a private response (security_headers.py)


def private(response: Any) -> Response:
    """A page or file whose address holds its key (a private token): kept out of caches,
    out of other sites' logs (no Referer) and out of search engines."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = PRIVATE_ROBOTS_TAG
    return response


def table_download(table: Table, fmt: str) -> Response:
    """The table as a download, a CSV file or an XLSX workbook, written whole before the
    view returns: its rows come from the database session, which is gone by the time a
    stream would be read. An export too large for that is made by a job (eventhub/work)."""
    if fmt == "csv":
        response = Response("".join(table.csv_chunks()), content_type=CSV_MIMETYPE)
        response.headers["Content-Disposition"] = f'attachment; filename="{table.filename}.csv"'
    else:
        response = send_file(
            table.xlsx_file(),
            mimetype=XLSX_MIMETYPE,
            as_attachment=True,
            download_name=f"{table.filename}.xlsx",
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response
