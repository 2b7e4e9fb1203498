"""Use case: a new password for a SIP account, confirmed by the asker, decided by policy."""

from handlers.password.listeners import register

__all__ = ["register"]
