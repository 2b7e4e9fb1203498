"""Use case: `/sip status`, the channel's customer's SIP accounts and whether each is Up."""

from handlers.status.listeners import register

__all__ = ["register"]
