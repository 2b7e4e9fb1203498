"""`sipdesk demo` shows every request path: self-service, staff approval, a bill, a new SIP
account with its cost, the refusals, and the menu."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from sipdesk_env import clean_env

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def test_the_demo_shows_the_request_paths(tmp_path: Path):
    env = clean_env()
    env.pop("DATABASE_URL", None)
    env["SIPDESK_REDIS_PREFIX"] = f"sipdesk-test:{uuid.uuid4().hex[:8]}:"
    result = subprocess.run(
        [SIPDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "now shows +35312345679 on calls" in out  # self-service
    assert "has no SIP account called “nosuchphone”" in out  # a refusal at once
    assert "Only the support team can do that." in out  # a customer's click refused
    assert "*Approved* by @alice" in out and "*applied* at" in out  # the card after
    assert "*Rejected* by @bob" in out and "rejected this request: Extension 200" in out
    assert "This bill does not prove the number is yours" in out  # a failing bill first
    assert "✅ +35317654321 is billed as a line on this bill." in out  # the bill's checks
    assert "costs *5.00 EUR per month*" in out and "[ Accept ]" in out
    # a new password: confirmed by the asker, approved, the link, Down and Up without an alert
    assert "The device registered on *Reception desk* (`k3x9q2m7ab`) now (Yealink T46U" in out
    assert "· New password" in out and "[ Confirm ]" in out
    assert "A new password is set for “Reception desk”" in out
    assert "# A new password for your SIP account (password shown once" in out
    assert "Reception desk: Down" in out and "Reception desk: Up" in out
    assert "(no Down alert in #globex-voip" in out and "(still no alert, and no" in out
    # the credentials, to the asker alone, as a link to a page that shows them once (bot/pages)
    assert "Its password is shown once, on a page only your link opens" in out
    assert "[ Change caller ID ] [ New SIP account ] [ SIP status ]" in out
    # a number proven by a call-back, on the stand-in phone the transcript declares as such
    assert "[ Upload the bill ] [ Call me with a code ]" in out
    assert "the demo has no telephone network" in out
    assert "*Proven by call-back at " in out and "keyed in the right code" in out
