"""Use case: `@sipdesk …` reaches every command by mention, answered in the thread."""

from handlers.mentions.listeners import register

__all__ = ["register"]
