"""Logging for every command: one format, secrets masked at every level, no chatty libraries."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from store.log_context import current_request_id
from store.redact import redact

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# One line per HTTP request or migration step is noise at INFO; they speak up from WARNING.
CHATTY = ("httpx", "alembic.runtime.migration", "slack_bolt", "slack_sdk", "waitress", "websockets")


class QuietLibraries(logging.Filter):
    """Below WARNING, libraries stay silent unless LOG_LEVEL=DEBUG: Bolt logs a refused
    request's whole body at INFO, and its loggers set their own level, so a logger level
    would not hold them."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno >= logging.WARNING:
            return True
        return not any(record.name == n or record.name.startswith(n + ".") for n in CHATTY)


class RedactSecrets(logging.Filter):
    """On the root handlers: every record leaves with its secrets masked (store/redact.py),
    message, arguments and traceback alike, whatever formats it next. slack_sdk logs the bodies
    it sends at DEBUG, and those carry one-time link URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Masks the password of any URL in a record, message and traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """One JSON object a line (LOG_FORMAT=json): time, level, logger, message, the request id
    of the unit of work when there is one (store/log_context.py, or `extra={"request_id": n}`),
    and the traceback; passwords in URLs masked like the text format."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601, UTC
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if "request_id" not in log_data:
            request_id = current_request_id()
            if request_id is not None:
                log_data["request_id"] = request_id

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str, log_format: str = "text", file: Path | None = None) -> None:
    """Log to stderr, or to `file` (the demo keeps its transcript free of log lines)."""
    handler: logging.Handler = (
        logging.FileHandler(file, encoding="utf-8") if file else logging.StreamHandler()
    )
    formatter = RedactingJsonFormatter() if log_format == "json" else RedactingFormatter(FORMAT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    handler.addFilter(QuietLibraries(verbose=root.level <= logging.DEBUG))
    handler.addFilter(RedactSecrets())
