"""`sipdesk scheduler` (the periodic work behind the leader lock) and `sipdesk digest --now`."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from bot.cli.common import exit_by_deadline, explained, settings_or_exit, start_with_metrics
from bot.runtime import start_runtime


@click.command()
def scheduler() -> None:
    """Run the scheduler: watch polls, digests, housekeeping. Start several for high
    availability: one leads (Redis lock), the others wait to take over."""
    from bot.scheduler_process import SchedulerProcess

    settings = settings_or_exit()
    metrics, runtime = start_with_metrics(settings)
    stopping = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        exit_by_deadline()
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    process = SchedulerProcess(runtime).start()
    click.echo(f"sipdesk: scheduler started (leader lock {process.lock.key})")
    if metrics is not None:
        click.echo(f"sipdesk: metrics at {metrics.url}")
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        process.stop()
        runtime.close()
        if metrics is not None:
            metrics.stop()


@click.command()
@click.option("--now", "now", is_flag=True, required=True, help="Send at once, whatever the cron.")
@click.argument("channel", required=False)
def digest(now: bool, channel: str | None) -> None:
    """Send the digests now: every linked channel's and the staff one, or only CHANNEL's."""
    from bot.scheduler_process import digest_policy, notifier_of
    from handlers.digests.flow import send_now
    from store.types import utcnow

    settings = settings_or_exit()
    with explained():
        runtime = start_runtime(settings)
    try:
        sent = send_now(
            runtime.db, notifier_of(runtime), digest_policy(settings), utcnow(), channel
        )
    finally:
        runtime.close()
    if channel is not None and sent == 0:
        raise click.ClickException(f"{channel} is not a linked channel with digests.")
    click.echo(f"sipdesk: {sent} digest(s) sent")
