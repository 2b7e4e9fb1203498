"""`sipdesk demo` shows `/sip status` answering each customer, and the Home tabs."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def test_the_demo_shows_sip_status_and_both_home_tabs(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIPDESK_"))}
    env.pop("DATABASE_URL", None)
    env["SIPDESK_REDIS_PREFIX"] = f"sipdesk-test:{uuid.uuid4().hex[:8]}:"
    result = subprocess.run(
        [SIPDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "carol (Globex Dental, external): /sip status" in out
    assert "*Reception desk* `k3x9q2m7ab` — *Up* since" in out
    assert "*Dr. Byrne's surgery* `p8w4n6t1cz` — *Down* since" in out
    assert "*Warehouse office* `r2d5v7x9qk` — status unknown" in out
    assert "bob (support) opens the sipdesk Home tab" in out and "Waiting for approval:" in out
    assert "*Your open requests:*" in out
