"""Use case: a new SIP account, its cost accepted, approved by staff, credentials to the asker."""

from handlers.new_sip.listeners import register

__all__ = ["register"]
