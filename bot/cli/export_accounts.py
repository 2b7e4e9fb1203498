"""`sipdesk export-accounts [FILE]`: the accounts file as the platform holds it now."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import explained, settings_or_exit
from bot.runtime import open_database, telephony_platform
from store import account_export
from telephony import TelephonyError


@click.command("export-accounts")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def export_accounts(file: Path | None) -> None:
    """Write customers, plans, numbers, SIP accounts (caller IDs as the telephony platform
    applies them) and channel links as an accounts file: to FILE, or to stdout without one.

    `sipdesk import-accounts` of that file changes nothing.
    """
    settings = settings_or_exit()
    with explained():
        db = open_database(settings)
        try:
            platform = telephony_platform(settings, db)
            with db.session() as session:
                text = account_export.dump(account_export.export(session, platform))
        except (TelephonyError, ValueError) as error:
            raise click.ClickException(f"Cannot read the telephony platform: {error}") from None
        finally:
            db.dispose()
    if file is None:
        click.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    click.echo(f"accounts written to {file}", err=True)
