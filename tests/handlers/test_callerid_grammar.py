"""The one grammar of `/callerid`, mentions and plain phrasing, split against real account names."""

from __future__ import annotations

import pytest

from handlers.caller_id.grammar import OpenModal, PstnAsk, VoipAsk, parse_callerid, parse_plain
from handlers.caller_id.numbers import BadNumber, canonical

NAMES = {"k3x9q2m7ab", "reception desk", "reception", "dr. byrne's surgery"}


def is_account(name: str) -> bool:
    return " ".join(name.lower().split()) in NAMES


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("", OpenModal()),
        ("k3x9q2m7ab +353 1 234 5679", PstnAsk("k3x9q2m7ab", "+353 1 234 5679")),
        ("Reception desk anonymous", PstnAsk("Reception desk", "anonymous")),
        ('"Reception desk" 01 234 5679', PstnAsk("Reception desk", "01 234 5679")),
        ("Reception 01 234 5679", PstnAsk("Reception", "01 234 5679")),
        ("voip k3x9q2m7ab Front Desk 101", VoipAsk("k3x9q2m7ab", "Front Desk", "101")),
        ("voip Reception desk Front Desk", VoipAsk("Reception desk", "Front Desk", None)),
        ("nosuch +35312345679", PstnAsk("nosuch", "+35312345679")),
        ("k3x9q2m7ab please", None),
        ("voip k3x9q2m7ab", None),
    ],
)
def test_commands(text: str, ask: object):
    assert parse_callerid(text, is_account) == ask


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        (
            "change caller id of Reception desk to +353 1 234 5679",
            PstnAsk("Reception desk", "+353 1 234 5679"),
        ),
        (
            "Please set the caller ID for k3x9q2m7ab to anonymous.",
            PstnAsk("k3x9q2m7ab", "anonymous"),
        ),
        (
            "set voip caller-id of Reception to Front Desk 101",
            VoipAsk("Reception", "Front Desk", "101"),
        ),
        ("what is my caller id", None),
    ],
)
def test_plain_phrasing(text: str, ask: object):
    assert parse_plain(text, is_account) == ask


def test_numbers_are_read_in_the_customers_region_and_premium_rate_is_refused():
    assert canonical("01 234 5679", "IE") == "+35312345679"
    assert canonical("+44 20 7946 0123", "IE") == "+442079460123"
    with pytest.raises(BadNumber, match="premium-rate"):
        canonical("1550 123 456", "IE")
    with pytest.raises(BadNumber, match="not a valid phone number"):
        canonical("12", "IE")
