"""`sipdesk demo` shows `/sip status` answering each customer (one account with the devices the
platform sees now), `/sip history`, and the Home tabs; its log lines go to a file it names."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from sipdesk_env import clean_env

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def test_the_demo_shows_sip_status_and_both_home_tabs(tmp_path: Path):
    env = clean_env()
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
    # the watch has not polled it yet: read from the platform instead of "unknown"
    assert "*Warehouse office* `r2d5v7x9qk` — *Down* now (no device" in out
    details = out.split("/sip status Reception desk", 1)[1]
    assert "*What the platform sees now:* Reception desk `k3x9q2m7ab`" in details
    assert "*Yealink SIP-T46U 108.86.0.45* from `198.51.100.7:5062` — registered" in details
    history = out.split("carol (Globex Dental, external): /sip history p8w4n6t1cz", 1)[1]
    assert "*History of Dr. Byrne's surgery* `p8w4n6t1cz`" in history
    assert "approved by @alice" in history and "bill: pass" in history
    assert "/sip history GLOBEX-001 Reception desk 2" in out
    assert "bob (support) opens the sipdesk Home tab" in out and "Waiting for approval:" in out
    assert "*Your open requests:*" in out
    first = out.splitlines()[0]
    assert first.startswith("(sipdesk's log lines go to ") and first.endswith(
        ", not into this transcript)"
    )
    log_file = Path(first.removeprefix("(sipdesk's log lines go to ").split(",", 1)[0])
    assert log_file.exists()
    assert not any(f" {level} " in out for level in ("INFO", "WARNING", "ERROR"))
    assert result.stderr == ""
    log_file.unlink()
