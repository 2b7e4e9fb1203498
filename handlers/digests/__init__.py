"""Use case: digests of Down accounts and outages, per channel on its cron, and for staff."""

from handlers.digests.listeners import register

__all__ = ["register"]
