"""What cannot be asked gets a clear answer at once, and nothing is created."""

from __future__ import annotations

import pytest
from desk import Desk


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("nosuchphone +35312345679", "has no SIP account called “nosuchphone”"),
        ("k3x9q2m7ab 12", "is not a valid phone number"),
        ("k3x9q2m7ab +353 1550 123 456", "premium-rate"),
        ("k3x9q2m7ab +35312345678", "already shows +35312345678"),
        ("voip k3x9q2m7ab Reception 100", "already shows Reception (100)"),
        ('voip k3x9q2m7ab Front "desk"', "may not contain quotes"),
    ],
)
def test_a_bad_ask_is_answered_at_once_and_creates_nothing(desk: Desk, text: str, answer: str):
    w = desk.world
    desk.slack.slash_command("/callerid", text, user=w.carol, channel=w.globex_channel)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert len(said) == 1 and said[0].response_type == "ephemeral"
    assert answer in said[0].body["text"], said[0].body["text"]
    assert desk.requests() == []
    assert desk.sandbox.messages(w.globex_channel) == []


def test_a_channel_linked_to_no_customer_is_told_so(desk: Desk):
    w = desk.world
    lobby = desk.sandbox.add_channel("lobby", members=[w.alice])
    desk.slack.slash_command("/callerid", "k3x9q2m7ab +35312345679", user=w.alice, channel=lobby)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "not linked to a customer" in said[0].body["text"]
    assert desk.requests() == []


def test_a_sip_account_of_another_customer_is_unknown_here(desk: Desk):
    w = desk.world
    # r2d5v7x9qk is Initech's: typed in Globex's channel it names nothing of Globex.
    desk.slack.slash_command(
        "/callerid", "r2d5v7x9qk +35312345679", user=w.carol, channel=w.globex_channel
    )
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "Globex Dental has no SIP account called “r2d5v7x9qk”" in said[0].body["text"]
    assert desk.requests() == []


def test_help_lists_the_caller_id_commands(desk: Desk):
    w = desk.world
    answer = desk.slack.slash_command("/callerid", "help", user=w.carol, channel=w.globex_channel)
    assert "/callerid" in answer.json()["text"]


def test_five_thousand_characters_and_zero_width_ones_get_a_polite_answer(desk: Desk):
    w = desk.world
    text = "k3x9q2m7ab " + "\u200b+3531" * 1000
    answer = desk.slack.slash_command("/callerid", text, user=w.carol, channel=w.globex_channel)
    assert answer.status_code == 200
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert len(said[0].body["text"]) < 1000
    assert "Traceback" not in said[0].body["text"]
    assert desk.requests() == []
