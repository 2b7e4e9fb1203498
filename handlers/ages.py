"""How long ago, in the words a person reads at a glance ("3 h 20 min", "2 days")."""

from __future__ import annotations

from datetime import timedelta


def describe(span: timedelta) -> str:
    """A duration rounded to what matters: minutes under a day, hours under a week, then days."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    if days < 7:
        return f"{days} day{'s' if days > 1 else ''} {hours} h" if hours else _days(days)
    return _days(days)


def _days(days: int) -> str:
    return f"{days} day{'s' if days > 1 else ''}"
