"""Use case: the scheduler's housekeeping (reminders, expiry of requests, purge of old bills,
wiping expired one-time links).

It has no Slack listeners; the scheduler calls `flow` on a timer."""

from __future__ import annotations

from handlers.registry import Registry
from handlers.services import Services


def register(registry: Registry, services: Services) -> None:
    """Nothing to listen to: the work is periodic (bot/scheduler_process.py)."""
