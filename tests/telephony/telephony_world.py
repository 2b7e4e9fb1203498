"""The telephony test world: sipdesk's store, a customer, and (for the Kamailio tests) a real
Kamailio on loopback with its own PostgreSQL database and sipsak as the phone."""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from pg_drops import drop_at_session_end

from store.db import Database
from store.migrate import upgrade
from store.models import Customer, PhoneNumber
from telephony.builtin import BuiltinPlatform
from telephony.feed import RegistrationsFeed
from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.jsonrpc import KamailioRpc, UlDump
from telephony.kamailio.location_table import LocationTable
from telephony.kamailio.tables import kamailio_engine
from telephony.platform import TelephonyPlatform

REPO = Path(__file__).resolve().parents[2]
KAMAILIO_CFG = REPO / "telephony" / "kamailio" / "kamailio.cfg"
KAMAILIO_SQL = Path("/usr/share/kamailio/postgres")
KAMAILIO_SCHEMA = ("standard", "auth_db", "usrloc", "avpops")
POSTGRES_ADMIN_DSN = os.environ.get(
    "SIPDESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
SIP_DOMAIN = "127.0.0.1"  # what sipsak puts in To/From, hence the digest realm
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> None:
    """Skip on a developer machine; in CI a missing part is a failure, not a silent skip."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


# ----- sipdesk's store -----


@pytest.fixture(scope="session")
def store_db(migrated_postgres: Database) -> Database:
    """sipdesk's PostgreSQL database, its schema made by the Alembic migrations."""
    return migrated_postgres


@dataclass(frozen=True)
class World:
    customer_ref: str
    numbers: tuple[str, ...]


def make_customer(database: Database, numbers: tuple[str, ...] | None = None) -> World:
    numbers = fresh_numbers() if numbers is None else numbers
    ref = f"ACME-{uuid.uuid4().hex[:8]}"
    with database.session() as session:
        customer = Customer(
            external_ref=ref,
            name="Acme Dental",
            holder_name="Acme Dental Ltd",
            plan="business",
            country="GB",
            timezone="Europe/London",
        )
        customer.numbers = [PhoneNumber(e164=n) for n in numbers]
        session.add(customer)
    return World(ref, numbers)


# ----- a real Kamailio -----


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_udp_and_tcp_port() -> int:
    """A port free for UDP and TCP alike (a SIP user agent binds both), with the next one free
    for TCP too (baresip listens for SIP over TLS there).

    Taken below the kernel's ephemeral range: a port picked now may be bound only much later
    (Kamailio's gateway port, where a test's phone listens), and in between any process's
    outgoing connection could take an ephemeral one (a CI run once lost a phone that way).
    """
    low, _high = _ephemeral_range()
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(10_000, max(low - 1, 20_000))
        if _bindable(port, socket.SOCK_DGRAM) and all(
            _bindable(p, socket.SOCK_STREAM) for p in (port, port + 1)
        ):
            return port
    raise AssertionError("no port free for UDP and TCP (and the next one for TCP)")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _bindable(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class KamailioServer:
    sip_port: int
    gateway_port: int  # where Kamailio sends calls to numbers that are not our accounts
    jsonrpc_url: str
    db_url: str  # SQLAlchemy URL of Kamailio's own database
    log: Path


def create_kamailio_database(name: str) -> str:
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/{name}", autocommit=True) as conn:
        for part in KAMAILIO_SCHEMA:
            conn.execute((KAMAILIO_SQL / f"{part}-create.sql").read_text())  # type: ignore[call-overload]
    return f"{base}/{name}"


def wait_for_jsonrpc(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kamailio exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            answer = httpx.post(
                url, json={"jsonrpc": "2.0", "method": "core.version", "id": 1}, timeout=1
            )
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"kamailio did not answer JSON-RPC within 30 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def kamailio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KamailioServer]:
    """A real Kamailio on loopback: the repository's config, its own database, free ports."""
    with run_kamailio(tmp_path_factory.mktemp("kamailio")) as server:
        yield server


@contextmanager
def run_kamailio(run_dir: Path, defines: tuple[str, ...] = ()) -> Iterator[KamailioServer]:
    """Start Kamailio with the repository's config (plus `defines`, each `NAME=value`)."""
    binary = shutil.which("kamailio") or (
        "/usr/sbin/kamailio" if Path("/usr/sbin/kamailio").exists() else None
    )
    if binary is None:
        missing("the kamailio binary is not installed (Debian package kamailio)")
    if not shutil.which("sipsak"):
        missing("sipsak is not installed (Debian package sipsak)")
    if not all((KAMAILIO_SQL / f"{p}-create.sql").exists() for p in KAMAILIO_SCHEMA):
        missing(
            f"Kamailio's PostgreSQL schema is not in {KAMAILIO_SQL} (kamailio-postgres-modules)"
        )
    assert binary is not None

    name = f"sipdesk_kam_{uuid.uuid4().hex[:10]}"
    dsn = create_kamailio_database(name)
    log = run_dir / "kamailio.log"
    sip_port, http_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    # Free for TCP too: a baresip playing the gateway's phone binds both (tests/telephony/
    # callback_phones.py).
    gateway_port = free_udp_and_tcp_port()
    kam_url = dsn.replace("postgresql://", "postgres://")
    command = [
        binary,
        "-f", str(KAMAILIO_CFG),
        "-DD", "-E",  # foreground, log to stderr
        "-Y", str(run_dir),
        "-P", str(run_dir / "kamailio.pid"),
        "-m", "64", "-M", "8",
        "-A", f'DBURL="{kam_url}"',
        "-A", f"SIP_LISTEN=udp:127.0.0.1:{sip_port}",
        "-A", f"HTTP_LISTEN=tcp:127.0.0.1:{http_port}",
        "-A", f"HTTP_PORT={http_port}",
        "-A", "UL_TIMER=1",  # sweep expired contacts every second
        "-A", f'PSTN_GATEWAY="sip:127.0.0.1:{gateway_port}"',
        *(arg for define in defines for arg in ("-A", define)),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=run_dir,
            env={**os.environ, "TZ": "UTC"},
            start_new_session=True,  # its own process group, so its children stop with it
        )
    jsonrpc_url = f"http://127.0.0.1:{http_port}/RPC"
    try:
        wait_for_jsonrpc(jsonrpc_url, process, log)
        yield KamailioServer(
            sip_port=sip_port,
            gateway_port=gateway_port,
            jsonrpc_url=jsonrpc_url,
            db_url=dsn.replace("postgresql://", "postgresql+psycopg://"),
            log=log,
        )
    finally:
        stop(process)
        drop_at_session_end(POSTGRES_ADMIN_DSN, name)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# ----- sipsak, the phone -----


@dataclass(frozen=True)
class RegisterResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Phone:
    """sipsak registering contacts for a SIP account at the test Kamailio."""

    def __init__(self, server: KamailioServer) -> None:
        self.server = server

    def register(
        self, username: str, password: str, *, contact_port: int, expires: int = 60
    ) -> RegisterResult:
        """REGISTER sip:username@127.0.0.1 with digest auth; expires=0 removes the contact."""
        command = [
            "sipsak", "-U", "-vv",
            "-s", f"sip:{username}@{SIP_DOMAIN}:{self.server.sip_port}",
            "-u", username,  # sipsak's own digest username would be "user@" otherwise
            "-a", password,
            "-x", str(expires),
            "-C", f"sip:{username}@127.0.0.1:{contact_port}",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        return RegisterResult(result.returncode, result.stdout + result.stderr)

    def call_pstn(self, username: str, password: str, number: str, tmp: Path) -> str:
        """INVITE `number` from the account; return the INVITE as the PSTN gateway receives it."""
        call_id = f"{uuid.uuid4().hex}@127.0.0.1"
        invite = tmp / "invite.sip"
        invite.write_text(
            f"INVITE sip:{number}@{SIP_DOMAIN}:{self.server.sip_port} SIP/2.0\n"
            f'From: "Desk" <sip:{username}@{SIP_DOMAIN}>;tag={uuid.uuid4().hex[:8]}\n'
            f"To: <sip:{number}@{SIP_DOMAIN}>\n"
            f"Call-ID: {call_id}\n"
            "CSeq: 1 INVITE\n"
            f"Contact: <sip:{username}@127.0.0.1:5999>\n"
            "Max-Forwards: 70\n"
            "Content-Length: 0\n\n"
        )
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as gateway:
            gateway.bind(("127.0.0.1", self.server.gateway_port))
            gateway.settimeout(10)
            command = [
                "sipsak", "-vv", "-f", str(invite),
                "-s", f"sip:{number}@{SIP_DOMAIN}:{self.server.sip_port}",
                "-u", username, "-a", password,
            ]  # fmt: skip
            # The gateway never answers, so sipsak is stopped once the INVITE has arrived.
            caller = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while True:
                    data = gateway.recv(65535).decode(errors="replace")
                    if call_id in data and data.startswith("INVITE"):
                        return data
            finally:
                caller.kill()
                caller.wait(timeout=10)


@pytest.fixture
def phone(kamailio: KamailioServer) -> Phone:
    return Phone(kamailio)


# ----- the platforms under the contract -----


@dataclass
class Harness:
    """A platform and a way to make a device register on one of its accounts."""

    platform: TelephonyPlatform
    register_device: Callable[[str, str, int, int], None]  # username, password, port, expires
    customer: World


def fresh_numbers() -> tuple[str, ...]:
    """Two London numbers and one in Washington DC, unique per customer (numbers are unique)."""
    london = [f"+44207{secrets.randbelow(10**7):07d}" for _ in range(2)]
    washington = f"+1202{200 + secrets.randbelow(800)}{secrets.randbelow(10**4):04d}"
    return (*sorted(london), washington)


def builtin_harness(database: Database, feed_path: Path) -> Harness:
    feed_path.write_text("[]")
    platform = BuiltinPlatform(
        database,
        sip_domain="sip.example.net",
        registrations_source=RegistrationsFeed(str(feed_path)),
    )

    def register_device(username: str, _password: str, port: int, expires: int) -> None:
        entries = json.loads(feed_path.read_text())
        entries.append(
            {
                "username": username,
                "contact": f"sip:{username}@127.0.0.1:{port}",
                "user_agent": "Feed phone 1.0",
                "source": f"127.0.0.1:{port}",
                "expires": expires,
            }
        )
        feed_path.write_text(json.dumps(entries))

    return Harness(platform, register_device, make_customer(database))


def kamailio_platform(
    database: Database, server: KamailioServer, *, source: str
) -> KamailioPlatform:
    engine = kamailio_engine(server.db_url, timeout=5)
    rpc = KamailioRpc(server.jsonrpc_url, timeout=5)
    registrations = UlDump(rpc) if source == "jsonrpc" else LocationTable(engine)
    return KamailioPlatform(
        database,
        sip_domain=SIP_DOMAIN,
        kamailio_db=engine,
        registrations_source=registrations,
        rpc=rpc,
    )


def kamailio_harness(database: Database, server: KamailioServer) -> Harness:
    phone = Phone(server)

    def register_device(username: str, password: str, port: int, expires: int) -> None:
        result = phone.register(username, password, contact_port=port, expires=expires)
        assert result.ok, result.output

    return Harness(
        kamailio_platform(database, server, source="jsonrpc"),
        register_device,
        make_customer(database),
    )


@pytest.fixture(
    params=[
        pytest.param("builtin-postgres"),
        pytest.param("builtin-sqlite"),
        pytest.param("kamailio", marks=pytest.mark.kamailio),
    ]
)
def harness(
    request: pytest.FixtureRequest, store_db: Database, tmp_path: Path
) -> Iterator[Harness]:
    if request.param == "builtin-postgres":
        yield builtin_harness(store_db, tmp_path / "registrations.json")
    elif request.param == "builtin-sqlite":
        database = Database(f"sqlite:///{tmp_path / 'sipdesk.db'}")
        upgrade(database)
        yield builtin_harness(database, tmp_path / "registrations.json")
        database.dispose()
    else:
        server: KamailioServer = request.getfixturevalue("kamailio")
        yield kamailio_harness(store_db, server)
