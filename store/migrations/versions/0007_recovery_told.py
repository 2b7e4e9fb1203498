"""recoveries: told only once Slack accepted the thread reply, so a refused one is retried;
alerts and digests Slack can never take are given up

Revision ID: 0007_recovery_told
Revises: 0006_password_reset
Create Date: 2026-12-07 16:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0007_recovery_told"
down_revision: str | None = "0006_password_reset"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outage_alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recovery_told_at", store.types.UTCDateTime(timezone=True), nullable=True)
        )
    for table in ("alert_messages", "digest_runs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("given_up_at", store.types.UTCDateTime(timezone=True), nullable=True)
            )
    # Recoveries claimed before this revision were told (or given up on) the old way: not again.
    op.execute(
        "UPDATE outage_alerts SET recovery_told_at = recovered_at WHERE recovered_at IS NOT NULL"
    )


def downgrade() -> None:
    for table in ("alert_messages", "digest_runs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("given_up_at")
    with op.batch_alter_table("outage_alerts", schema=None) as batch_op:
        batch_op.drop_column("recovery_told_at")
