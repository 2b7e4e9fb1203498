"""Files people share: the bot token goes to Slack's own file hosts only, whatever a file's
url_private names, and a file name's bidirectional controls are never shown back."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from desk import Desk
from sqlalchemy import select

from bot.pages.bills import accept_bill
from handlers.caller_id.slack_files import is_slack_file_host
from slack_sandbox.threads import upload_in_thread
from store.models import Evidence

sys.path.append(str(Path(__file__).resolve().parents[1] / "requests"))
from test_bills import ask_for_new_number, good_bill

RLO = "\u202e"


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str | None]

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        body = b"%PDF-1.4 not yours"
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[str | None]]]:
    """A host that is not Slack's, recording the Authorization header of every GET."""
    seen: list[str | None] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bill.pdf", seen
    finally:
        server.shutdown()
        server.server_close()


def _share(
    desk: Desk, request_id: int, name: str, content: bytes, mimetype: str
) -> tuple[str, dict[str, Any]]:
    """Carol shares a file in the request's thread; returns its id (not yet announced)."""
    request = desk.request(request_id)
    assert request.customer_message_ts is not None
    upload = upload_in_thread(
        desk.sandbox, desk.world.carol, request.channel_id, request.customer_message_ts,
        name, content, mimetype,
    )  # fmt: skip
    return upload.file_id, upload.message_event


def test_a_remote_file_elsewhere_never_gets_the_bot_token(desk: Desk, elsewhere):
    url, seen = elsewhere
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    file_id, event = _share(desk, request_id, "bill.pdf", good_bill(), "application/pdf")
    with desk.sandbox.world.lock:
        desk.sandbox.world.files[file_id].remote_url = url
    desk.slack.event(event)
    said = desk.wait_thread(request_id, "not stored in Slack", seconds=60)
    assert any("upload the bill itself" in t for t in said)
    assert seen == []  # not even asked without the token: the host is not Slack's
    assert desk.request(request_id).state.value == "awaiting_customer"


def test_slacks_own_file_hosts_and_the_configured_ones_only():
    for url in (
        "https://files.slack.com/files-pri/T1-F1/bill.pdf",
        "https://files-edge.slack.com/files-pri/T1-F1/bill.pdf",
        "https://files.acme.enterprise.slack.com/files-pri/E1-F1/bill.pdf",
    ):
        assert is_slack_file_host(url), url
    for url in (
        "http://files.slack.com/files-pri/T1-F1/bill.pdf",  # no TLS
        "https://files.slack.com.evil.example/bill.pdf",
        "https://evil.example/files.slack.com/bill.pdf",
        "https://user:pw@files.slack.com/bill.pdf",
        "https://files.slack.com:8443/bill.pdf",
        "https://slack.com.evil.example/bill.pdf",
        "file:///etc/passwd",
        "http://127.0.0.1:9/bill.pdf",
    ):
        assert not is_slack_file_host(url), url
    assert is_slack_file_host("http://127.0.0.1:9/bill.pdf", ("127.0.0.1:9",))


def test_a_file_name_with_a_right_to_left_override_is_shown_without_it(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    name = f"bill{RLO}fdp.exe"  # drawn as "billexe.pdf"
    _, event = _share(desk, request_id, name, b"MZ not a bill", "application/x-msdownload")
    desk.slack.event(event)
    said = desk.wait_thread(request_id, "is not a PDF", seconds=60)
    assert not any(RLO in t for t in said), said
    assert any("billfdp.exe" in t for t in said)
    staff = [str(m.get("text")) for m in desk.sandbox.history(w.staff_channel)]
    assert not any(RLO in t for t in staff)


def test_a_bill_kept_under_a_bent_name_is_kept_under_its_plain_name(desk: Desk):
    w = desk.world
    request_id = ask_for_new_number(desk, w.carol, w.globex_channel, "k3x9q2m7ab")
    _, event = _share(desk, request_id, f"my{RLO}fdp.llib.pdf", good_bill(), "application/pdf")
    desk.slack.event(event)
    desk.wait_state(request_id, "pending_approval", seconds=60)
    with desk.runtime.db.session() as session:
        names = list(session.scalars(select(Evidence.filename)))
    assert names == ["myfdp.llib.pdf"]
    card = str(desk.card(request_id))
    assert RLO not in card


def test_the_upload_page_takes_the_name_without_its_controls():
    bill = accept_bill(f"my{RLO}fdp.llib.pdf", b"%PDF-1.4\n")
    assert bill.filename == "myfdp.llib.pdf"
