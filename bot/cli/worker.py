"""`sipdesk worker`: run the job queue (bill checks, applying decisions) in this process."""

from __future__ import annotations

import signal
from types import FrameType

import click

import ocr_checks
from bot.cli.common import exit_by_deadline, settings_or_exit, start_with_metrics
from bot.worker import JobWorker


@click.command()
def worker() -> None:
    """Run jobs from the Redis queue until interrupted; lost jobs are found and queued again.

    Run as many as the queue needs; with the embedded defaults `sipdesk run` runs one itself.
    """
    settings = settings_or_exit()
    # Before any thread: the bill reader host is up for the first bill, nothing forks later.
    ocr_checks.start_reader()
    metrics, runtime = start_with_metrics(settings)
    jobs = JobWorker(runtime)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        exit_by_deadline()
        jobs.stop()  # the loop finishes the job at hand, then leaves

    signal.signal(signal.SIGTERM, stop)
    click.echo("sipdesk: worker running jobs; Ctrl-C to stop")
    if metrics is not None:
        click.echo(f"sipdesk: metrics at {metrics.url}")
    try:
        jobs.run()
    except KeyboardInterrupt:
        pass
    finally:
        exit_by_deadline()
        jobs.stop()
        runtime.close()
        if metrics is not None:
            metrics.stop()
