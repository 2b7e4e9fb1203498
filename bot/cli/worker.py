"""`sipdesk worker`: run the job queue (bill checks, applying decisions) in this process."""

from __future__ import annotations

import signal
from types import FrameType

import click

import ocr_checks
from bot.cli.common import exit_by_deadline, explained, settings_or_exit
from bot.runtime import start_runtime
from bot.worker import JobWorker


@click.command()
def worker() -> None:
    """Run jobs from the Redis queue until interrupted; lost jobs are found and queued again.

    Run as many as the queue needs; with the embedded defaults `sipdesk run` runs one itself.
    """
    settings = settings_or_exit()
    # Before any thread: the bill reader host is up for the first bill, nothing forks later.
    ocr_checks.start_reader()
    with explained():
        runtime = start_runtime(settings)
    jobs = JobWorker(runtime)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        exit_by_deadline()
        jobs.stop()  # the loop finishes the job at hand, then leaves

    signal.signal(signal.SIGTERM, stop)
    click.echo("sipdesk: worker running jobs; Ctrl-C to stop")
    try:
        jobs.run()
    except KeyboardInterrupt:
        pass
    finally:
        exit_by_deadline()
        jobs.stop()
        runtime.close()
