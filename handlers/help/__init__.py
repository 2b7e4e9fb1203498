"""Use case: `/sip help` and `/callerid help`, what the bot can do."""

from handlers.help.listeners import register

__all__ = ["register"]
