"""How the watch judges: debounce, flapping, storm share, who hears about it (set by `bot`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WatchPolicy:
    down_after: timedelta = timedelta(seconds=120)  # SIPDESK_DOWN_AFTER
    interval: timedelta = timedelta(seconds=30)  # SIPDESK_WATCH_INTERVAL
    storm_share: float = 0.3  # SIPDESK_STORM_SHARE
    flap_window: timedelta = timedelta(hours=1)
    flap_count: int = 3  # outages of one account within the window that make it "flapping"
    staff_channel: str | None = None
    alert_staff: bool = True  # SIPDESK_ALERT_STAFF: staff channel gets a copy of Down alerts
    staff_timezone: str = "UTC"
    # A claim whose message never got a ts (its process died mid-post) is retried after this.
    claim_lease: timedelta = timedelta(seconds=60)
