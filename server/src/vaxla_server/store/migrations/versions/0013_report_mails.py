"""Revision 0013 (after 0012, 2026-12-05): mails with attachments.

The outbox (``alarm_mails``) also carries the scheduled reports (R33): each mail may
have files attached, kept in ``attachments`` as a JSON list of ``{"name",
"content_type", "data"}`` (``data`` in base64) until the SMTP server has taken it."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0013", "0012"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("alarm_mails") as batch:
        batch.add_column(sa.Column("attachments", _JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("alarm_mails") as batch:
        batch.drop_column("attachments")
