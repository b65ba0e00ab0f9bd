"""Revision 0010 (after 0009, 2026-12-05): how the front's SIP reaches each trunk
(``transport``: udp, tcp or tls) and whether the audio of the outside calls it carries is
encrypted (``srtp``: off, optional or mandatory; not off only over tls). Trunks stored
before keep plain SIP over UDP and plain RTP, as they had."""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0009"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trunks") as batch:
        batch.add_column(sa.Column("transport", sa.String(8), nullable=False, server_default="udp"))
        batch.add_column(sa.Column("srtp", sa.String(16), nullable=False, server_default="off"))
        batch.create_check_constraint("ck_trunks_transport", "transport IN ('udp', 'tcp', 'tls')")
        batch.create_check_constraint(
            "ck_trunks_srtp",
            "srtp IN ('off', 'optional', 'mandatory') AND (srtp = 'off' OR transport = 'tls')",
        )


def downgrade() -> None:
    with op.batch_alter_table("trunks") as batch:
        batch.drop_constraint("ck_trunks_srtp", type_="check")
        batch.drop_constraint("ck_trunks_transport", type_="check")
        batch.drop_column("srtp")
        batch.drop_column("transport")
