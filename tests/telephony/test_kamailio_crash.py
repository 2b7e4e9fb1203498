"""A process killed -9 in the middle of creating a SIP account on the real Kamailio: the
`subscriber` row is written, the store row is not. Creating the same username again (what a
re-run of the apply does, the username being stored on the request) makes one account whose
new password the registrar accepts."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select
from telephony_world import SIP_DOMAIN, KamailioServer, Phone, kamailio_platform, make_customer

from store.db import Database
from store.models import SipAccount
from telephony.credentials import new_username
from telephony.kamailio.tables import subscriber

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres]

# Runs the adapter in its own process and kills that process -9 right after the subscriber
# write, while its store transaction is still open.
KILLED_MID_CREATE = textwrap.dedent(
    """
    import os, signal, sys
    from store.db import Database
    from telephony.kamailio.adapter import KamailioPlatform
    from telephony.kamailio.location_table import LocationTable
    from telephony.kamailio.tables import kamailio_engine

    store_url, kamailio_url, domain, ref, username = sys.argv[1:]
    engine = kamailio_engine(kamailio_url, timeout=5)
    platform = KamailioPlatform(
        Database(store_url), sip_domain=domain, kamailio_db=engine,
        registrations_source=LocationTable(engine),
    )
    real = platform._put_subscriber

    def put_then_die(*args, **kwargs):
        real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    platform._put_subscriber = put_then_die
    platform.ensure_sip_account(ref, username, "Front desk")
    """
)


def test_an_account_creation_killed_between_kamailio_and_the_store_is_completed_once(
    store_db: Database, kamailio: KamailioServer, phone: Phone
) -> None:
    platform = kamailio_platform(store_db, kamailio, source="location_table")
    ref, username = make_customer(store_db).customer_ref, new_username()

    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_MID_CREATE,
            store_db.url,
            kamailio.db_url,
            SIP_DOMAIN,
            ref,
            username,
        ],
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert count_subscribers(platform, username) == 1  # Kamailio's write made it
    assert platform.sip_accounts(ref) == ()  # the store's did not

    account = platform.ensure_sip_account(ref, username, "Front desk")  # the re-run

    assert account is not None
    assert [a.username for a in platform.sip_accounts(ref)] == [username]
    assert count_subscribers(platform, username) == 1
    assert phone.register(username, account.password, contact_port=42061).ok
    assert platform.ensure_sip_account(ref, username, "Front desk") is None
    with store_db.session() as session:
        rows = session.scalar(
            select(func.count()).select_from(SipAccount).where(SipAccount.username == username)
        )
    assert rows == 1


def count_subscribers(platform: object, username: str) -> int:
    with platform._kamailio.connect() as conn:  # type: ignore[attr-defined]
        return int(
            conn.scalar(
                select(func.count())
                .select_from(subscriber)
                .where(subscriber.c.username == username)
            )
            or 0
        )
