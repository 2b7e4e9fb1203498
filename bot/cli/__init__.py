"""The `sipdesk` command line: one click group, one module per command family."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """sipdesk: Slack chat-ops for a SIP telephony provider's support team."""

from bot.cli.check_bill import check_bill  # noqa: E402

main.add_command(check_bill)
