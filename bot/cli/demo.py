"""`sipdesk demo`: watch the bot at work against the local Slack sandbox, then talk to it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from bot.cli.common import explained, settings_or_exit, stop_on_sigterm
from bot.logs import configure_logging


@click.command()
@click.option(
    "--keep-running",
    "--interactive",
    "interactive",
    is_flag=True,
    help="Afterwards, a prompt: type as a customer or as staff and see what each person sees.",
)
def demo(interactive: bool) -> None:
    """Run the real bot against the local Slack sandbox, in a throwaway home, and print the
    conversation: customers asking in shared channels, staff on the Home tab, a forged request
    refused. Nothing is written to your database."""
    from bot.demo import play, set_the_stage
    from bot.demo_prompt import talk

    settings = settings_or_exit()
    # The transcript is what people see; the log lines go to a file it names.
    handle, name = tempfile.mkstemp(prefix="sipdesk-demo-", suffix=".log")
    os.close(handle)
    configure_logging(settings.log_level, settings.log_format.value, file=Path(name))
    click.echo(f"(sipdesk's log lines go to {name}, not into this transcript)\n")
    with stop_on_sigterm():
        with explained():
            stage = set_the_stage(settings)
        try:
            play(stage, click.echo)
            if interactive:
                talk(stage, click.echo)
        except KeyboardInterrupt:
            pass
        finally:
            stage.close()
