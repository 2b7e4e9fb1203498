"""Use case: `/sip history ACCOUNT [N]`, an account's requests and changes, newest first."""

from handlers.history.listeners import register

__all__ = ["register"]
