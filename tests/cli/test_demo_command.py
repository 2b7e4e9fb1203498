"""The README's first command ends in `sipdesk demo`: the bot on its embedded defaults, at work."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from sipdesk_env import clean_env

SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def test_the_demo_shows_the_bot_answering_customers_and_staff(tmp_path: Path):
    env = clean_env()
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
    # a new shared channel onboarded from the staff card
    assert "#umbrella-voip is shared with *Umbrella Clinics*" in out
    assert "#umbrella-voip is now linked to *Umbrella Clinics* (UMBRELLA-310)" in out
    assert "*sipdesk is set up here for Umbrella Clinics.*" in out
    assert "Invalid request signature" not in result.stderr  # a forged body is never logged
    assert "body:" not in result.stderr and "token=" not in result.stderr
    # the one-time pages: a bill through the upload page, credentials shown once
    assert "page: We have initech-bill.pdf for request" in out
    assert "This link was already used to upload a bill on" in out
    assert "Password: ••••••••" in out and "These credentials were already viewed on" in out
    # a link Slack would not show: the thread says so, staff send it again
    assert "Slack would not show @dave the link" in out
    assert "clicks [ Send the link again ]" in out and "sent @dave a new one-time link" in out
    assert '"database": "ok"' in out and '"redis": "ok"' in out
    assert not (tmp_path / "var").exists()  # a throwaway home: nothing left for `sipdesk run`


def _demo_env(tmp_path: Path) -> dict[str, str]:
    env = clean_env()
    env["SIPDESK_REDIS_PREFIX"] = f"sipdesk-test:{uuid.uuid4().hex[:8]}:"
    return env


def test_the_demo_never_writes_into_the_configured_database(tmp_path: Path):
    env = _demo_env(tmp_path)
    production = tmp_path / "production.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{production}"
    env["SIPDESK_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [SIPDESK, "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    assert not production.exists() and not (tmp_path / "home").exists()


def test_a_newcomer_talks_to_the_bot_at_the_prompt_as_a_customer_and_as_staff(tmp_path: Path):
    bill = tmp_path / "bill.pdf"
    bill.write_bytes(b"%PDF-1.4 not much of a bill")
    # The mention's help comes with the menu's four buttons ([1] to [4]), so the Home tab's
    # Refresh is [5].
    lines = ["/sip help", "@sipdesk hello", str(bill), "click 99", "as alice", "home", "5"]
    script = "\n".join([*lines, "as dave", "quit", ""])
    result = subprocess.run(
        [SIPDESK, "demo", "--keep-running"],
        cwd=tmp_path,
        env=_demo_env(tmp_path),
        input=script,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    prompt = result.stdout.split("Type `help` for what you can do", 1)[1]
    assert "carol@#globex-voip> [#globex-voip] sipdesk (only visible to carol):" in prompt
    assert "*`/sip status`*" in prompt
    assert "carol uploaded bill.pdf" in prompt
    assert "There is no button [99]." in prompt
    assert "You are alice (support) in #globex-voip." in prompt
    assert "alice (support) sees the sipdesk Home tab:" in prompt
    assert "[5: Refresh]" in prompt
    # Clicking Refresh republishes the Home tab: alice sees it again
    after_click = prompt.split("[5: Refresh]", 1)[1]
    assert "alice (support) sees the sipdesk Home tab:" in after_click
    assert "You are dave (Initech, external) in #initech-voip." in prompt
    assert "Traceback" not in result.stderr
