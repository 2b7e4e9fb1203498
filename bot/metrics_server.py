"""Serve this process's Prometheus metrics (store/metrics.py) on SIPDESK_METRICS_ADDR.

Every process serves its own: `sipdesk run` (with the worker and scheduler it runs in-process on
the embedded defaults), `sipdesk worker` and `sipdesk scheduler`. Never on the public port of
Slack's requests (bot/settings.py refuses that).
"""

from __future__ import annotations

import errno
import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from bot.runtime import StartupError
from bot.settings import Settings
from store import metrics


@dataclass
class MetricsServer:
    server: WSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = str(self.server.server_address[0]), int(self.server.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/metrics"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_metrics(settings: Settings) -> MetricsServer | None:
    """Start serving /metrics in a thread; None (and nothing recorded) with
    SIPDESK_METRICS_ADDR=off."""
    address = settings.metrics_address
    if address is None:
        metrics.set_recording(False)  # nobody can read them: record nothing (the bench's baseline)
        return None
    host, port = address
    try:
        server, thread = start_http_server(port, addr=host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise StartupError(
                f"SIPDESK_METRICS_ADDR {settings.metrics_addr} is already in use (another "
                "sipdesk process on this machine?): give each process its own port, or set it "
                "to off."
            ) from None
        raise StartupError(
            f"Cannot serve metrics on SIPDESK_METRICS_ADDR {settings.metrics_addr} "
            f"({error.strerror}): check the address."
        ) from None
    return MetricsServer(server, thread)
