"""What a job runs with: the process's services and notifier, installed once by the worker.

A job's only argument is a request id; everything else it reloads, and these are the tools.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from handlers.files import FileSource
from handlers.notify import Notifier
from handlers.services import Services
from store.queue import JobQueue

_lock = threading.Lock()
_installed: JobServices | None = None


@dataclass(frozen=True)
class JobServices:
    services: Services
    notifier: Notifier
    files: FileSource


def install(services: Services, notifier: Notifier, files: FileSource) -> None:
    global _installed
    with _lock:
        _installed = JobServices(services, notifier, files)


def current() -> JobServices:
    if _installed is None:
        raise RuntimeError("no worker services installed: run jobs through `sipdesk worker`")
    return _installed


def job_queue(services: Services) -> JobQueue:
    return JobQueue(services.redis, services.redis_prefix)
