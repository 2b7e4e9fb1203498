"""The `sipdesk` command line: one click group; each command is imported only when it runs.

Adding a command is one line in COMMANDS: its name, where it lives and its one-line help
(shown by `sipdesk --help` without importing it, so the help answers at once).
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple

import click


class LazyCommand(NamedTuple):
    target: str  # "package.module:attribute"
    summary: str  # the line `sipdesk --help` shows


COMMANDS = {
    "run": LazyCommand("bot.cli.serve:run", "Run the bot: HTTP on HOST:PORT, or Socket Mode."),
    "worker": LazyCommand(
        "bot.cli.worker:worker", "Run queued jobs (bill checks, applying decisions)."
    ),
    "demo": LazyCommand("bot.cli.demo:demo", "The bot at work against the local Slack sandbox."),
    "migrate": LazyCommand("bot.cli.admin:migrate", "Create or upgrade the database schema."),
    "import-accounts": LazyCommand(
        "bot.cli.admin:import_accounts", "Add or update customers and their accounts from YAML."
    ),
    "export-accounts": LazyCommand(
        "bot.cli.export_accounts:export_accounts", "Write the accounts file as the platform has it."
    ),
    "link-channel": LazyCommand(
        "bot.cli.admin:link_channel", "Link a Slack channel to a customer."
    ),
    "check-bill": LazyCommand(
        "bot.cli.check_bill:check_bill", "Judge a phone bill as evidence of owning a number."
    ),
    "scheduler": LazyCommand(
        "bot.cli.scheduler:scheduler", "Watch polls, digests, housekeeping (leader lock)."
    ),
    "digest": LazyCommand("bot.cli.scheduler:digest", "Send the digests now (--now [CHANNEL])."),
    "callback-prompt": LazyCommand(
        "bot.cli.callback:callback_prompt", "Write the call-back's spoken prompt (WAV)."
    ),
    "audit": LazyCommand("bot.cli.audit:audit", "Export the audit trail (CSV or JSON), streamed."),
}


class LazyGroup(click.Group):
    """Lists COMMANDS from their summaries; imports a command's module only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = COMMANDS.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = lazy.target.partition(":")
        command = getattr(import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{lazy.target} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, lazy.summary) for name, lazy in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """sipdesk: Slack chat-ops for a SIP telephony provider's support team.

    Settings come from environment variables (or a .env file); see the README.
    """
