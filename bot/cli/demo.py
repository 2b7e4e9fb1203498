"""`sipdesk demo`: watch the bot at work against the local Slack sandbox, then talk to it."""

from __future__ import annotations

import click

from bot.cli.common import explained, settings_or_exit, stop_on_sigterm


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
