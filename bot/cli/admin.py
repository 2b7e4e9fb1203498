"""Operator commands: `migrate`, `import-accounts`, `link-channel`."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import explained, settings_or_exit

STAFF_CHANNEL_IS_A_SETTING = (
    "The staff channel is the SIPDESK_STAFF_CHANNEL setting, not a link: set it there "
    "(link-channel links customers' channels only)."
)


@click.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic) to this release."""
    from bot.runtime import connect_database
    from store.migrate import current_revision, upgrade

    settings = settings_or_exit()
    with explained():
        db = connect_database(settings)
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
    import yaml

    from bot.runtime import open_database, telephony_platform
    from store import account_import
    from telephony.account_import import import_accounts as apply_accounts

    settings = settings_or_exit()
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{file} is not UTF-8 text (byte {error.object[error.start]:#04x} at position "
            f"{error.start}); save it as UTF-8."
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise click.ClickException(f"{file} is not valid YAML: {error}") from None
    with explained():
        document = account_import.parse(data)
        db = open_database(settings)  # refuses a lagging schema, as `run` does
        try:
            summary = apply_accounts(db, telephony_platform(settings, db), document)
        finally:
            db.dispose()
    click.echo(f"customers: {summary}")


@click.command("link-channel")
@click.argument("channel_id")
@click.argument("customer_ref", required=False)
@click.option(
    "--team",
    "team_id",
    metavar="TEAM_ID",
    help="The Slack team (T…) the customer's people come from; requests in the channel are "
    "taken from it and from your own workspace only.",
)
@click.option("--staff", is_flag=True, hidden=True)  # refused with a pointer to the setting
def link_channel(
    channel_id: str, customer_ref: str | None, team_id: str | None, staff: bool
) -> None:
    """Link Slack channel CHANNEL_ID to the customer CUSTOMER_REF.

    Requests and alerts in that channel then concern that customer only. The staff channel is
    not linked: it is the SIPDESK_STAFF_CHANNEL setting.
    """
    from sqlalchemy import select

    from bot.runtime import open_database
    from store.channels import link_customer_channel
    from store.errors import UserFacingError
    from store.models import Customer

    if staff:
        raise click.UsageError(STAFF_CHANNEL_IS_A_SETTING)
    if customer_ref is None:
        raise click.UsageError("Give the CUSTOMER_REF the channel belongs to.")
    if team_id is not None and not (team_id[:1] in ("T", "E") and team_id.isalnum()):
        raise click.UsageError(f"--team {team_id!r} is not a Slack team ID such as T0123ABCD.")
    settings = settings_or_exit()
    if channel_id == settings.staff_channel:
        raise click.UsageError(f"{channel_id} is the staff channel (SIPDESK_STAFF_CHANNEL).")
    with explained():
        db = open_database(settings)
        try:
            with db.session() as session:
                customer = session.scalar(
                    select(Customer).where(Customer.external_ref == customer_ref)
                )
                if customer is None:
                    raise UserFacingError(f"No customer {customer_ref!r}; import accounts first.")
                link = link_customer_channel(
                    session, channel_id, customer.id, team_id, "cli", move=True
                )
                team = link.team_id
        finally:
            db.dispose()
    click.echo(f"{channel_id} linked to {customer_ref}" + (f" (team {team})" if team else ""))
    if team is None:
        click.echo(
            "No --team given: only people of your own workspace can ask in that channel until "
            "it is linked with the customer's Slack team."
        )
