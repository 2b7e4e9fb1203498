"""The `sipdesk` command line: one click group, one module per command family."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """sipdesk: Slack chat-ops for a SIP telephony provider's support team.

    Settings come from environment variables (or a .env file); see the README.
    """


def _register() -> None:
    from bot.cli.admin import import_accounts, link_channel, migrate
    from bot.cli.check_bill import check_bill
    from bot.cli.demo import demo
    from bot.cli.serve import run
    from bot.cli.worker import worker

    for command in (run, worker, demo, migrate, import_accounts, link_channel, check_bill):
        main.add_command(command)


_register()
