"""events: the organiser's privacy notice, one text per language

- events.privacy_text_fr, events.privacy_text_en, events.privacy_text_ar: Text, not null,
  "" by default (no text: the public privacy page shows the platform's notice).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = ("privacy_text_fr", "privacy_text_en", "privacy_text_ar")


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
