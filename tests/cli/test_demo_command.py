"""The README's first command ends in `sipdesk demo`: the bot on its embedded defaults, at work."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def test_the_demo_shows_the_bot_answering_customers_and_staff(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIPDESK_"))}
    env.pop("DATABASE_URL", None)
    env["SIPDESK_REDIS_PREFIX"] = f"sipdesk-test:{uuid.uuid4().hex[:8]}:"
    result = subprocess.run(
        [SIPDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "carol (Globex Dental, external): /sip help" in out
    assert "*`/sip status`*" in out
    assert "I don't know `/callerid please`" in out
    assert "Open requests: 0" in out and "2 customers · 3 linked channels" in out
    assert "HTTP 401: refused" in out
    # the one-time pages: a bill through the upload page, credentials shown once
    assert "page: We have initech-bill.pdf for request" in out
    assert "This link was already used to upload a bill on" in out
    assert "Password: ••••••••" in out and "These credentials were already viewed on" in out
    assert '"database": "ok"' in out and '"redis": "ok"' in out
    assert (tmp_path / "var" / "sipdesk.sqlite3").exists()  # the embedded SQLite default
