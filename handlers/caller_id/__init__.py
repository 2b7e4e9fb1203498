"""Use case: change the PSTN or VoIP caller ID of a SIP account, with a bill when needed."""

from handlers.caller_id.listeners import register

__all__ = ["register"]
