"""Reading registrations: Kamailio's ul.dump reply and the operator's feed, as they really look."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from telephony.errors import PlatformUnavailable
from telephony.feed import RegistrationsFeed, parse_feed
from telephony.kamailio.contacts import hostport_of, source_of
from telephony.kamailio.jsonrpc import parse_ul_dump

READ_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def usrloc_contact(address: str, expires: object, received: str) -> dict[str, object]:
    # The fields of one contact in a Kamailio 5.6 ul.dump reply (trimmed of the unused ones).
    return {
        "Contact": {
            "Address": address,
            "Expires": expires,
            "Q": -1,
            "Call-ID": "1924703704@127.0.0.1",
            "CSeq": 2,
            "User-Agent": "Yealink SIP-T46U 108.86.0.45",
            "Received": received,
            "Path": "[not set]",
            "State": "CS_SYNC",
            "Socket": "udp:127.0.0.1:5060",
            "Ruid": "uloc-6b07ad5b-2415-4",
        }
    }


def ul_dump(*aors: tuple[str, list[dict[str, object]]]) -> dict[str, object]:
    return {
        "Domains": [
            {
                "Domain": {
                    "Domain": "location",
                    "Size": 1024,
                    "AoRs": [{"Info": {"AoR": aor, "Contacts": cs}} for aor, cs in aors],
                    "Stats": {"Records": len(aors), "Max-Slots": 1},
                }
            }
        ]
    }


def test_ul_dump_seconds_and_the_expired_string_are_both_understood() -> None:
    reply = ul_dump(
        (
            "k3x9f2m7q1za",
            [
                usrloc_contact("sip:k3x9f2m7q1za@10.0.0.7:5062", 597, "sip:198.51.100.7:41258"),
                usrloc_contact("sip:k3x9f2m7q1za@10.0.0.8:5060", "expired", "[not set]"),
            ],
        ),
        ("b8c2d0e4f6a1@sip.example.net", [usrloc_contact("sip:b8@10.0.0.9", "permanent", "")]),
    )

    registrations = parse_ul_dump(reply, READ_AT)

    live, stale = registrations.contacts("k3x9f2m7q1za")
    assert live.expires_at == READ_AT + timedelta(seconds=597) and not live.expired
    assert live.source == "198.51.100.7:41258"  # where the REGISTER came from, behind NAT
    assert live.user_agent == "Yealink SIP-T46U 108.86.0.45"
    assert stale.expired and stale.source == "10.0.0.8:5060"
    assert registrations.is_up("k3x9f2m7q1za")
    assert not registrations.multiple_devices("k3x9f2m7q1za")  # the stale one is no device
    (permanent,) = registrations.contacts("b8c2d0e4f6a1")  # AoR with a domain: use_domain=1
    assert permanent.expires_at is None and permanent.seconds_left() is None
    assert registrations.usernames_up() == {"k3x9f2m7q1za", "b8c2d0e4f6a1"}


def test_an_account_with_only_expired_contacts_is_down() -> None:
    reply = ul_dump(("k3x9f2m7q1za", [usrloc_contact("sip:k@10.0.0.8", "expired", "[not set]")]))

    assert not parse_ul_dump(reply, READ_AT).is_up("k3x9f2m7q1za")


@pytest.mark.parametrize(
    ("uri", "hostport"),
    [
        ("sip:alice@127.0.0.1:5060;transport=udp", "127.0.0.1:5060"),
        ("<sips:bob@example.net>", "example.net"),
        ("sip:[2001:db8::1]:5062", "[2001:db8::1]:5062"),
    ],
)
def test_the_host_and_port_of_a_sip_uri(uri: str, hostport: str) -> None:
    assert hostport_of(uri) == hostport


def test_the_source_falls_back_to_the_contact_when_received_is_not_set() -> None:
    assert source_of("[not set]", "sip:a@10.1.1.1:5070") == "10.1.1.1:5070"
    assert source_of(None, "sip:a@10.1.1.1") == "10.1.1.1"


def test_a_feed_gives_expiry_in_seconds_or_as_an_iso_time() -> None:
    entries = [
        {"username": "desk1", "contact": "sip:desk1@10.0.0.2", "expires": 120},
        {
            "username": "desk1",
            "contact": "sip:desk1@10.0.0.3",
            "user_agent": "Snom D785",
            "source": "203.0.113.4:5060",
            "expires": "2026-03-02T08:59:00",
        },
        {"username": "desk2", "contact": "sip:desk2@10.0.0.4", "expires": "2026-03-02T10:00+01:00"},
    ]

    registrations = parse_feed(entries, READ_AT)

    fresh, old = registrations.contacts("desk1")
    assert fresh.expires_at == READ_AT + timedelta(seconds=120) and not fresh.expired
    assert fresh.user_agent == "" and fresh.source is None
    assert old.expired and old.source == "203.0.113.4:5060"
    assert registrations.contacts("desk2")[0].expires_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert registrations.contacts("desk2")[0].expired  # expiring exactly now counts as gone


@pytest.mark.parametrize(
    "body",
    ["{}", "[1]", '[{"contact": "sip:x@y", "expires": 5}]', '[{"username": "u", "contact": "c", '
     '"expires": true}]', "not json"],
)  # fmt: skip
def test_a_malformed_feed_makes_registrations_unknown_not_empty(tmp_path: Path, body: str) -> None:
    feed = tmp_path / "registrations.json"
    feed.write_text(body)

    with pytest.raises(PlatformUnavailable) as unknown:
        RegistrationsFeed(str(feed)).registrations()

    assert "unknown" in unknown.value.sentence


def test_a_missing_feed_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(PlatformUnavailable):
        RegistrationsFeed(str(tmp_path / "nowhere.json")).registrations()


def test_a_feed_is_read_fresh_every_time(tmp_path: Path) -> None:
    feed = tmp_path / "registrations.json"
    feed.write_text("[]")
    reader = RegistrationsFeed(str(feed))
    assert not reader.registrations().is_up("desk1")

    feed.write_text(json.dumps([{"username": "desk1", "contact": "sip:d@h", "expires": 60}]))

    assert reader.registrations().is_up("desk1")
