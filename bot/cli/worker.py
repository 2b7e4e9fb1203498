"""`sipdesk worker`: run the job queue (bill checks, applying decisions) in this process."""

from __future__ import annotations

import signal

import click

import ocr_checks
from bot.cli.common import explained, settings_or_exit
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
    signal.signal(signal.SIGTERM, lambda *_: jobs.stop())  # finish the job at hand, then leave
    click.echo("sipdesk: worker running jobs; Ctrl-C to stop")
    try:
        jobs.run()
    except KeyboardInterrupt:
        pass
    finally:
        jobs.stop()
        runtime.close()
