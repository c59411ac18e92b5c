"""help desk: registrations.search_key, manual check-ins with their reason

registrations.search_key holds the registration's name, e-mail and organisation folded
(NFKD without combining marks, casefolded, Arabic letter variants unified, spaces
collapsed) for the help desk's search; it is backfilled here for existing rows with a copy
of eventhub/registration/search.py's `fold` (migrations do not import the application).
The registration number is not in it: it is made of the row's id, which the desk matches
exactly. scans.manual and scans.note record a check-in by hand at the desk and its reason.

Index: a plain btree on (event_id, search_key). A pattern with a leading % cannot seek in
it, but the search reads the event's keys from the index alone, which on 50,000
registrations takes a few milliseconds (bench/bench_desk.py). On PostgreSQL a pg_trgm GIN
index on search_key (`CREATE INDEX … USING gin (search_key gin_trgm_ops)`) would seek
instead and be better from some hundreds of thousands of registrations, at the cost of the
pg_trgm extension (which needs a superuser or a trusted-extension setup once per database)
and slower writes; it is not created here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SEARCH_KEY_LENGTH = 500
BATCH = 1000

# A copy of eventhub/registration/search.py as it was at this revision.
ARABIC_VARIANTS = str.maketrans({"ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().translate(ARABIC_VARIANTS).split())


def search_key(first_name, last_name, email, organization):
    return fold(f"{first_name} {last_name} {email} {organization}")[:SEARCH_KEY_LENGTH]


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_key",
                sa.String(length=SEARCH_KEY_LENGTH),
                server_default="",
                nullable=False,
            )
        )
        batch_op.create_index(
            op.f("ix_registrations_event_search"), ["event_id", "search_key"], unique=False
        )
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("manual", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("note", sa.String(length=200), server_default="", nullable=False)
        )

    connection = op.get_bind()
    registrations = sa.table(
        "registrations",
        sa.column("id", sa.Integer()),
        sa.column("first_name", sa.String()),
        sa.column("last_name", sa.String()),
        sa.column("email", sa.String()),
        sa.column("organization", sa.String()),
        sa.column("search_key", sa.String()),
    )
    rows = connection.execute(
        sa.select(
            registrations.c.id,
            registrations.c.first_name,
            registrations.c.last_name,
            registrations.c.email,
            registrations.c.organization,
        ).order_by(registrations.c.id)
    ).all()
    update = (
        sa.update(registrations)
        .where(registrations.c.id == sa.bindparam("row_id"))
        .values(search_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(
            update,
            [
                {"row_id": row_id, "key": search_key(first, last, email, organization)}
                for row_id, first, last, email, organization in rows[start : start + BATCH]
            ],
        )


def downgrade():
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("manual")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_registrations_event_search"))
        batch_op.drop_column("search_key")
