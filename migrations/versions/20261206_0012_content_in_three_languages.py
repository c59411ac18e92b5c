"""the organiser's texts in French, English and Arabic

- events.main_language: String(2), not null, "fr" by default (the language of the texts in
  the ordinary columns), one of fr, en, ar;
- events.summary: String(280), not null, "" (a line or two for the lists of events);
- events, attendee_categories, zones, halls, gates: translations, JSON, not null, {} (the
  texts in the other languages: {"ar": {"name": "…"}}).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TRANSLATED_TABLES = ("events", "attendee_categories", "zones", "halls", "gates")


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("main_language", sa.String(length=2), server_default="fr", nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary", sa.String(length=280), server_default="", nullable=False)
        )
        batch_op.create_check_constraint(
            "main_language_known", "main_language IN ('fr', 'en', 'ar')"
        )
    for table in TRANSLATED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
            )


def downgrade():
    for table in reversed(TRANSLATED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("main_language_known", type_="check")
        batch_op.drop_column("summary")
        batch_op.drop_column("main_language")
