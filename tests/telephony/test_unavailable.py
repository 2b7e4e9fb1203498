"""When the platform does not answer, sipdesk gets a typed error in bounded time, never a hang,
and nothing is half-applied."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from telephony_world import make_customer

from store.db import Database
from store.models import SipAccount
from telephony.builtin import BuiltinPlatform
from telephony.errors import PlatformUnavailable
from telephony.factory import build_platform
from telephony.feed import RegistrationsFeed
from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.jsonrpc import KamailioRpc, UlDump
from telephony.kamailio.location_table import LocationTable
from telephony.kamailio.tables import kamailio_engine

# Each test must finish well inside this; the platform's own timeouts are a second or two.
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (via the backlog) and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


@pytest.fixture
def http_answer() -> Iterator[tuple[str, list[tuple[int, bytes]]]]:
    """A loopback HTTP server replying with whatever the test queues: (status, body)."""
    replies: list[tuple[int, bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _reply(self) -> None:
            status, body = replies.pop(0) if replies else (404, b"")
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/RPC", replies
    server.shutdown()
    server.server_close()


def test_ul_dump_on_a_closed_port_is_unavailable(closed_port: int) -> None:
    source = UlDump(KamailioRpc(f"http://127.0.0.1:{closed_port}/RPC", timeout=2))

    with pytest.raises(PlatformUnavailable) as down:
        source.registrations()

    assert "registrations are unknown" in down.value.sentence


def test_ul_dump_on_a_kamailio_that_never_answers_gives_up(silent_port: int) -> None:
    source = UlDump(KamailioRpc(f"http://127.0.0.1:{silent_port}/RPC", timeout=0.5))

    with pytest.raises(PlatformUnavailable):
        source.registrations()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"Internal Server Error"),
        (200, b'{"jsonrpc": "2.0", "error": {"code": 500, "message": "Internal error"}, "id": 1}'),
        (200, b"<html>not json</html>"),
        (200, b'{"jsonrpc": "2.0", "result": {"Domains": "garbled"}, "id": 1}'),
    ],
)
def test_an_rpc_failure_is_unavailable_not_a_crash(
    http_answer: tuple[str, list[tuple[int, bytes]]], status: int, body: bytes
) -> None:
    # ul.dump is known to fail this way on very large location tables.
    url, replies = http_answer
    replies.append((status, body))

    with pytest.raises(PlatformUnavailable):
        UlDump(KamailioRpc(url, timeout=2)).registrations()


def test_a_feed_served_over_http_is_read(http_answer: tuple[str, list[tuple[int, bytes]]]) -> None:
    url, replies = http_answer
    feed = [{"username": "desk1", "contact": "sip:desk1@10.0.0.2", "expires": 60}]
    replies.append((200, json.dumps(feed).encode()))

    assert RegistrationsFeed(url, timeout=2).registrations().is_up("desk1")


def test_a_feed_url_that_never_answers_gives_up(silent_port: int) -> None:
    with pytest.raises(PlatformUnavailable):
        RegistrationsFeed(f"http://127.0.0.1:{silent_port}/feed", timeout=0.5).registrations()


def test_builtin_without_a_feed_says_registrations_are_unknown(store_db: Database) -> None:
    with pytest.raises(PlatformUnavailable) as unknown:
        BuiltinPlatform(store_db, sip_domain="sip.example.net").registrations()
    assert "unknown" in unknown.value.sentence


@pytest.mark.postgres
@pytest.mark.parametrize("where", ["refused", "silent"])
def test_kamailio_database_down_refuses_changes_and_leaves_the_store_untouched(
    store_db: Database, closed_port: int, silent_port: int, where: str
) -> None:
    port = closed_port if where == "refused" else silent_port
    engine = kamailio_engine(f"postgres://kamailio@127.0.0.1:{port}/kamailio", timeout=1)
    platform = KamailioPlatform(
        store_db,
        sip_domain="127.0.0.1",
        kamailio_db=engine,
        registrations_source=LocationTable(engine),
    )
    world = make_customer(store_db)

    with pytest.raises(PlatformUnavailable) as down:
        platform.create_sip_account(world.customer_ref, "Reception")
    with pytest.raises(PlatformUnavailable):
        platform.registrations()

    assert "queued and will be retried" in down.value.sentence
    with store_db.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(SipAccount)
            .join(SipAccount.customer)
            .where(SipAccount.customer.has(external_ref=world.customer_ref))
        )
    assert count == 0


@pytest.mark.postgres
def test_a_caller_id_change_kamailio_refused_is_not_recorded_in_the_store(
    store_db: Database, closed_port: int
) -> None:
    builtin = BuiltinPlatform(store_db, sip_domain="127.0.0.1")
    world = make_customer(store_db)
    account = builtin.create_sip_account(world.customer_ref, "Desk")  # a store row to point at
    engine = kamailio_engine(f"postgres://kamailio@127.0.0.1:{closed_port}/k", timeout=1)
    kamailio = KamailioPlatform(
        store_db,
        sip_domain="127.0.0.1",
        kamailio_db=engine,
        registrations_source=LocationTable(engine),
    )

    with pytest.raises(PlatformUnavailable):
        kamailio.set_pstn_caller_id(account.username, world.numbers[0])

    assert builtin.sip_account(account.username).pstn_caller_id is None


def test_the_factory_names_what_is_missing(store_db: Database) -> None:
    with pytest.raises(ValueError, match="Kamailio's database"):
        build_platform("kamailio", database=store_db, sip_domain="sip.example.net")
    with pytest.raises(ValueError, match="JSON-RPC URL"):
        build_platform(
            "kamailio",
            database=store_db,
            sip_domain="sip.example.net",
            kamailio_db_url="postgres://kamailio@127.0.0.1/kamailio",
        )
    with pytest.raises(ValueError, match="unknown telephony platform"):
        build_platform("asterisk", database=store_db, sip_domain="sip.example.net")


def test_the_factory_builds_each_platform(store_db: Database, tmp_path: object) -> None:
    builtin = build_platform(
        "builtin", database=store_db, sip_domain="sip.example.net", registrations_feed="/x.json"
    )
    by_table = build_platform(
        "kamailio",
        database=store_db,
        sip_domain="sip.example.net",
        kamailio_db_url="postgres://kamailio@127.0.0.1/kamailio",
        kamailio_registrations_source="location_table",
    )
    assert isinstance(builtin, BuiltinPlatform)
    assert isinstance(by_table, KamailioPlatform)
    assert by_table.sip_domain == "sip.example.net"
