"""The environment of a `sipdesk` process a test starts: the machine's, without the developer's
Slack and sipdesk settings, and its metrics on a free port (several sipdesk processes, and
several test workers, run at once on one machine)."""

from __future__ import annotations

import os


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIPDESK_"))}
    env["SIPDESK_METRICS_ADDR"] = "127.0.0.1:0"
    return env
