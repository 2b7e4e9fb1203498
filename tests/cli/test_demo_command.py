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
    assert "Open requests: 0" in out and "2 customers · 2 linked channels" in out
    assert "HTTP 401: refused" in out
    assert "Invalid request signature" not in result.stderr  # a forged body is never logged
    assert "body:" not in result.stderr and "token=" not in result.stderr
    assert '"database": "ok"' in out and '"redis": "ok"' in out
    assert not (tmp_path / "var").exists()  # a throwaway home: nothing left for `sipdesk run`
