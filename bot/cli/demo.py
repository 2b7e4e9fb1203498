"""`sipdesk demo`: watch the bot at work against the local Slack sandbox."""

from __future__ import annotations

import click

from bot.cli.common import explained, settings_or_exit
from bot.demo import play, set_the_stage


@click.command()
@click.option("--keep-running", is_flag=True, help="Leave the bot and sandbox up afterwards.")
def demo(keep_running: bool) -> None:
    """Run the real bot on the embedded defaults against the local Slack sandbox and print the
    conversation: customers asking in shared channels, staff on the Home tab, a forged request
    refused."""
    settings = settings_or_exit()
    with explained():
        stage = set_the_stage(settings)
    try:
        play(stage, click.echo)
        if keep_running:
            click.echo("Press Ctrl-C to stop.")
            stage.server.serve_forever_in_foreground()
    finally:
        stage.close()
