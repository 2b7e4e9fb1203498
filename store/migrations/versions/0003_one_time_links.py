"""one-time links: bill upload pages and credentials shown once

Revision ID: 0003_one_time_links
Revises: 0002_requests_flow
Create Date: 2026-12-01 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types


revision: str = '0003_one_time_links'
down_revision: str | None = '0002_requests_flow'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('one_time_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('upload', 'credentials', name='linkkind', native_enum=False, length=32), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_one_time_links_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_one_time_links_token_hash'))
    )
    with op.batch_alter_table('one_time_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_links_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('one_time_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_links_request_id'))
    op.drop_table('one_time_links')
