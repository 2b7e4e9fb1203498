"""Use case: the App Home tab (staff see what waits for them; others see how to ask)."""

from handlers.home.listeners import register

__all__ = ["register"]
