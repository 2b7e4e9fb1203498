"""Operator commands: `migrate`, `import-accounts`, `link-channel`."""

from __future__ import annotations

from pathlib import Path

import click
import yaml
from sqlalchemy import select

from bot.cli.common import explained, settings_or_exit
from store import account_import
from store.db import Database
from store.errors import UserFacingError
from store.migrate import current_revision, upgrade
from store.models import ChannelLink, ChannelRole, Customer


@click.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic) to this release."""
    settings = settings_or_exit()
    settings.home.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    with explained():
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before})"))


@click.command("import-accounts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_accounts(file: Path) -> None:
    """Add or update customers, numbers, SIP accounts and channel links from a YAML FILE.

    Idempotent: importing the same file again changes nothing. Nothing missing from the file is
    deleted. See README, "Importing accounts", and examples/accounts.yml.
    """
    settings = settings_or_exit()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise click.ClickException(f"{file} is not valid YAML: {error}") from None
    with explained():
        document = account_import.parse(data)
        db = _migrated(settings.effective_database_url, settings.home)
        with db.session() as session:
            summary = account_import.apply(session, document)
    click.echo(f"customers: {summary}")


@click.command("link-channel")
@click.argument("channel_id")
@click.argument("customer_ref", required=False)
@click.option("--staff", is_flag=True, help="Link the channel as the staff channel instead.")
def link_channel(channel_id: str, customer_ref: str | None, staff: bool) -> None:
    """Link Slack channel CHANNEL_ID to the customer CUSTOMER_REF (or --staff).

    Requests and alerts in that channel then concern that customer only.
    """
    if staff == (customer_ref is not None):
        raise click.UsageError("Give either a CUSTOMER_REF or --staff.")
    settings = settings_or_exit()
    with explained():
        db = _migrated(settings.effective_database_url, settings.home)
        with db.session() as session:
            customer_id = None
            if customer_ref is not None:
                customer = session.scalar(
                    select(Customer).where(Customer.external_ref == customer_ref)
                )
                if customer is None:
                    raise UserFacingError(f"No customer {customer_ref!r}; import accounts first.")
                customer_id = customer.id
            role = ChannelRole.STAFF if staff else ChannelRole.CUSTOMER
            link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))
            if link is None:
                link = ChannelLink(channel_id=channel_id, role=role, linked_by="cli")
                session.add(link)
            link.role, link.customer_id = role, customer_id
    click.echo(f"{channel_id} linked to {'staff' if staff else customer_ref}")


def _migrated(url: str, home: Path) -> Database:
    home.mkdir(parents=True, exist_ok=True)
    db = Database(url)
    upgrade(db)
    return db
