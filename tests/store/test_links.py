"""One-time links: found only by their token, used once, expired on time, and a password that
the database alone cannot give away."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from world import make_customer

from store import links, requests
from store.db import Database
from store.links import Credentials, LinkRefused
from store.models import LinkKind, OneTimeLink, RequestKind
from store.types import utcnow

SECRET = "Xy7pQ2mZ9rT4vB8nK3wL"
CREDENTIALS = Credentials(domain="sip.example.net", username="k3x9q2m7ab", password=SECRET)


def _request(database: Database) -> int:
    with database.session() as session:
        customer = make_customer(session)
        return requests.create(
            session,
            kind=RequestKind.NEW_SIP_ACCOUNT,
            customer_id=customer.id,
            channel_id="C1",
            requested_by="U1",
        ).id


def test_the_table_holds_neither_the_token_nor_the_password(database: Database):
    request_id = _request(database)
    with database.session() as session:
        token = links.issue(session, request_id, LinkKind.CREDENTIALS, credentials=CREDENTIALS)
    with database.session() as session:
        row = session.scalars(select(OneTimeLink)).one()
        assert row.token_hash == links.token_hash(token) != token
        assert row.sealed is not None
        assert SECRET.encode() not in row.sealed and token.encode() not in row.sealed
        assert token not in repr(
            [row.token_hash, row.sealed, row.request_id, row.kind, row.expires_at]
        )
    with database.session() as session:
        assert links.reveal(session, token) == CREDENTIALS
    with database.session() as session:
        row = session.scalars(select(OneTimeLink)).one()
        assert row.sealed is None and row.used_at is not None  # wiped as it was read


def test_credentials_are_shown_once_and_then_say_when(database: Database):
    request_id = _request(database)
    with database.session() as session:
        token = links.issue(session, request_id, LinkKind.CREDENTIALS, credentials=CREDENTIALS)
    with database.session() as session:
        links.reveal(session, token)
    with database.session() as session, pytest.raises(LinkRefused) as refused:
        links.reveal(session, token)
    assert refused.value.reason == "used"
    assert "already viewed on" in refused.value.message and "UTC" in refused.value.message


def test_a_forged_or_other_kind_of_token_opens_nothing(database: Database):
    request_id = _request(database)
    with database.session() as session:
        token = links.issue(session, request_id, LinkKind.UPLOAD)
    for forged in ("A" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "../etc", ""):
        with database.session() as session, pytest.raises(LinkRefused) as refused:
            links.open_link(session, forged, LinkKind.UPLOAD)
        assert refused.value.reason == "unknown"
    with database.session() as session, pytest.raises(LinkRefused):
        links.open_link(session, token, LinkKind.CREDENTIALS)  # an upload link shows no password


def test_a_link_expires_after_its_lifetime(database: Database):
    request_id = _request(database)
    issued = utcnow() - timedelta(hours=25)
    with database.session() as session:
        token = links.issue(session, request_id, LinkKind.UPLOAD, now=issued)
        sealed = links.issue(
            session, request_id, LinkKind.CREDENTIALS, credentials=CREDENTIALS, now=issued
        )
    with database.session() as session, pytest.raises(LinkRefused) as refused:
        links.open_link(session, token, LinkKind.UPLOAD)
    assert refused.value.reason == "expired"
    with database.session() as session:
        assert links.wipe_expired(session) == 1
    with database.session() as session, pytest.raises(LinkRefused):
        links.reveal(session, sealed)


def test_a_failed_upload_gives_the_link_back(database: Database):
    request_id = _request(database)
    with database.session() as session:
        token = links.issue(session, request_id, LinkKind.UPLOAD)
    with database.session() as session:
        link = links.open_link(session, token, LinkKind.UPLOAD)
        links.claim(session, link)
    with database.session() as session:
        links.release(session, link)
    with database.session() as session:
        assert links.open_link(session, token, LinkKind.UPLOAD).id == link.id


@pytest.mark.postgres
def test_ten_visits_at_once_use_an_upload_link_once(pg_database: Database):
    request_id = _request(pg_database)
    with pg_database.session() as session:
        token = links.issue(session, request_id, LinkKind.UPLOAD)
    with pg_database.session() as session:
        link = links.open_link(session, token, LinkKind.UPLOAD)
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def visit() -> None:
        start.wait()
        try:
            with pg_database.session() as session:
                links.claim(session, link)
            outcomes.append("claimed")
        except LinkRefused as refused:
            outcomes.append(refused.reason)

    threads = [threading.Thread(target=visit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed"] + ["used"] * 9
