"""`sipdesk audit`: the audit trail for a compliance export, streamed as CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO

import click
from sqlalchemy import select

from bot.cli.common import explained, settings_or_exit
from bot.runtime import open_database
from store.account_status import customer_by_ref
from store.history import AuditRow, audit_trail_rows
from store.models import SipAccount

COLUMNS = (
    "at",
    "request_id",
    "kind",
    "customer_ref",
    "account",
    "actor",
    "action",
    "from_state",
    "to_state",
    "note",
    "details",
)


@click.command()
@click.option("--customer", "customer_ref", metavar="REF", help="Only this customer's requests.")
@click.option("--account", "username", metavar="USERNAME", help="Only this SIP account's.")
@click.option("--since", metavar="DATE", help="From this day (YYYY-MM-DD, UTC) or ISO time on.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV with a header row, or one JSON array.",
)
def audit(customer_ref: str | None, username: str | None, since: str | None, output: str) -> None:
    """Write the audit trail to stdout, oldest first: who did what to which request, when.

    Streamed row by row from the database; it never holds a password or a token.
    """
    start = _since(since)
    settings = settings_or_exit()
    with explained():
        db = open_database(settings)
    try:
        with db.session() as session:
            customer_id = account_id = None
            if customer_ref is not None:
                customer = customer_by_ref(session, customer_ref)
                if customer is None:
                    raise click.ClickException(f"No customer has the ref {customer_ref!r}.")
                customer_id = customer.id
            if username is not None:
                account = session.scalar(select(SipAccount).where(SipAccount.username == username))
                if account is None:
                    raise click.ClickException(f"No SIP account has the username {username!r}.")
                account_id = account.id
            rows = audit_trail_rows(
                session, customer_id=customer_id, sip_account_id=account_id, since=start
            )
            out = sys.stdout
            if output == "csv":
                _write_csv(rows, out)
            else:
                _write_json(rows, out)
    finally:
        db.dispose()


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date: use YYYY-MM-DD (or an ISO time such as 2026-11-01T09:00)",
            param_hint="--since",
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _write_csv(rows: Iterator[AuditRow], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        record = row.as_dict()
        record["details"] = json.dumps(record["details"], sort_keys=True) if row.details else ""
        writer.writerow(["" if record[c] is None else record[c] for c in COLUMNS])


def _write_json(rows: Iterator[AuditRow], out: IO[str]) -> None:
    # One array, written as the rows come: a years-long trail never sits in memory at once.
    out.write("[")
    written = 0
    for row in rows:
        out.write(",\n" if written else "\n")
        out.write(json.dumps(row.as_dict(), ensure_ascii=False))
        written += 1
    out.write("\n]\n" if written else "]\n")
    out.flush()
