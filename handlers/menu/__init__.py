"""Use case: the menu message with a button for each way to ask."""

from handlers.menu.listeners import register

__all__ = ["register"]
