"""call-back calls: a number proven by answering a call and keying in a code

Revision ID: 0005_callback_calls
Revises: 0004_crash_safe_apply
Create Date: 2026-12-07 13:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types


revision: str = '0005_callback_calls'
down_revision: str | None = '0004_crash_safe_apply'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('callback_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=32), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('code_expires_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('active_for', sa.Integer(), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_callback_calls_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_callback_calls_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_calls')),
    sa.UniqueConstraint('active_for', name=op.f('uq_callback_calls_active_for'))
    )
    with op.batch_alter_table('callback_calls', schema=None) as batch_op:
        batch_op.create_index('ix_callback_calls_customer_created', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_callback_calls_number_created', ['number', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_calls_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callback_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_calls_request_id'))
        batch_op.drop_index('ix_callback_calls_number_created')
        batch_op.drop_index('ix_callback_calls_customer_created')
    op.drop_table('callback_calls')
