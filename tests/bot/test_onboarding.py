"""Onboarding a customer's channel from Slack: sipdesk is added to a new shared channel, the staff
channel gets a card with a customer picker and Link, and staff link, unlink and ask whose a
channel is with `/sip link`, `/sip unlink` and `/sip whois`."""

from __future__ import annotations

from typing import Any

import pytest
from customers import load_example_customers
from running import RunningBot
from sqlalchemy import select

from handlers.ask_menu import menu_buttons
from handlers.onboarding import blocks
from handlers.refs import ChannelRef
from handlers.staff_only import REFUSAL
from store.models import AuditEvent, ChannelLink, Customer


@pytest.fixture
def hooli(running_bot: RunningBot) -> tuple[str, str]:
    """A customer with no channel yet, and a new Slack Connect channel shared with its
    workspace that sipdesk is not in yet: (channel, their IT contact)."""
    bot = running_bot
    load_example_customers(bot.runtime, bot.world)
    with bot.runtime.db.session() as session:
        session.add(
            Customer(
                external_ref="HOOLI-007", name="Hooli Telecom Desk", holder_name="Hooli Limited",
                plan="business", country="IE", timezone="Europe/Dublin",
            )
        )  # fmt: skip
    team = bot.sandbox.add_team("Hooli", "hooli")
    erlich = bot.sandbox.add_user("erlich", team_id=team, real_name="Erlich B")
    channel = bot.sandbox.add_channel(
        "hooli-voip", members=[bot.world.alice, erlich], shared_with_team=team,
        bot_is_member=False,
    )  # fmt: skip
    return channel, erlich


def _cards(bot: RunningBot) -> list[dict[str, Any]]:
    return [
        m
        for m in bot.sandbox.messages(bot.world.staff_channel)
        if "not linked to a customer" in m.get("text", "")
    ]


def _link(bot: RunningBot, channel: str) -> ChannelLink | None:
    with bot.runtime.db.session() as session:
        link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel))
        if link is not None:
            session.expunge(link)
        return link


def _add_bot(bot: RunningBot, channel: str) -> None:
    answer = bot.slack.add_to_channel(channel, bot.sandbox.bot_user_id, inviter=bot.world.alice)
    assert answer.status_code == 200


def test_added_to_a_new_shared_channel_staff_pick_the_customer_and_link_it(
    running_bot: RunningBot, hooli: tuple[str, str]
):
    bot, (channel, _) = running_bot, hooli
    _add_bot(bot, channel)
    card = bot.sandbox.eventually(lambda: _cards(bot))[0]
    assert f"<#{channel}>" in str(card["blocks"])
    assert "shared with *Hooli*" in str(card["blocks"])

    typed = bot.slack.options(
        blocks.PICK_CUSTOMER, "hoo", user=bot.world.alice,
        channel=bot.world.staff_channel, message_ts=card["ts"],
    )  # fmt: skip
    assert [o["value"] for o in typed] == ["HOOLI-007"]
    assert typed[0]["text"]["text"] == "Hooli Telecom Desk (HOOLI-007)"
    bot.slack.block_action(
        blocks.PICK_CUSTOMER, "HOOLI-007", user=bot.world.alice, action_type="external_select",
        channel=bot.world.staff_channel, message_ts=card["ts"],
    )  # fmt: skip
    bot.slack.block_action(
        blocks.LINK, ChannelRef(channel).encode(), user=bot.world.alice,
        channel=bot.world.staff_channel, message_ts=card["ts"],
    )  # fmt: skip

    welcome = bot.sandbox.eventually(lambda: bot.sandbox.messages(channel))
    assert "set up here for Hooli Telecom Desk" in welcome[0]["text"]
    buttons = [e["text"]["text"] for b in welcome[0]["blocks"] for e in b.get("elements", [])]
    assert buttons == [e["text"]["text"] for e in menu_buttons()["elements"]]
    assert buttons[:3] == ["Change caller ID", "New SIP account", "SIP status"]
    link = _link(bot, channel)
    assert link is not None and link.team_id == bot.sandbox.channel(channel).connected_team_ids[1]
    record = bot.sandbox.eventually(
        lambda: "now linked" in str(bot.sandbox.message(bot.world.staff_channel, card["ts"]))
    )
    assert record
    with bot.runtime.db.session() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "channel_linked"))
        assert [(a.actor, a.note) for a in audit] == [
            (bot.world.alice, f"{channel} linked to HOOLI-007 (external workspace "
             f"{link.team_id})")
        ]  # fmt: skip


def test_link_without_a_pick_asks_for_one(running_bot: RunningBot, hooli: tuple[str, str]):
    bot, (channel, _) = running_bot, hooli
    _add_bot(bot, channel)
    card = bot.sandbox.eventually(lambda: _cards(bot))[0]
    bot.slack.block_action(
        blocks.LINK, ChannelRef(channel).encode(), user=bot.world.bob,
        channel=bot.world.staff_channel, message_ts=card["ts"],
    )  # fmt: skip
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert "Pick a customer" in said[0].body["text"]
    assert _link(bot, channel) is None


def test_a_customer_cannot_list_customers_or_press_link(
    running_bot: RunningBot, hooli: tuple[str, str]
):
    bot, (channel, erlich) = running_bot, hooli
    _add_bot(bot, channel)
    card = bot.sandbox.eventually(lambda: _cards(bot))[0]
    listed = bot.slack.options(
        blocks.PICK_CUSTOMER, "", user=bot.world.carol,
        channel=bot.world.staff_channel, message_ts=card["ts"],
    )  # fmt: skip
    assert listed == []
    bot.slack.block_action(
        blocks.LINK,
        ChannelRef(channel).encode(),
        user=erlich,
        channel=bot.world.staff_channel,
        message_ts=card["ts"],
    )
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert said[0].body["text"] == f":no_entry: {REFUSAL}"
    assert _link(bot, channel) is None


def test_only_the_bot_joining_an_unlinked_channel_makes_a_card(
    running_bot: RunningBot, hooli: tuple[str, str]
):
    bot, (channel, _) = running_bot, hooli
    bot.slack.add_to_channel(bot.world.globex_channel, bot.world.bob)  # a person joins
    _add_bot(bot, bot.world.globex_channel)  # already linked: nothing to offer
    _add_bot(bot, channel)  # the one card, processed after the others
    bot.sandbox.eventually(lambda: _cards(bot))
    assert len(_cards(bot)) == 1 and f"<#{channel}>" in str(_cards(bot)[0]["blocks"])


def test_staff_link_a_channel_by_command_and_customers_may_not(
    running_bot: RunningBot, hooli: tuple[str, str]
):
    bot, (channel, erlich) = running_bot, hooli
    bot.sandbox.join(channel, bot.sandbox.bot_user_id)
    bot.slack.slash_command("/sip", "link HOOLI-007", user=erlich, channel=channel)
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert said[0].body["text"] == f":no_entry: {REFUSAL}"
    assert _link(bot, channel) is None

    bot.slack.slash_command("/sip", "link HOOLI-007", user=bot.world.alice, channel=channel)
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses[1:])
    assert "now linked to *Hooli Telecom Desk*" in said[0].body["text"]
    link = _link(bot, channel)
    assert link is not None and link.linked_by == bot.world.alice and link.team_id
    assert "set up here" in bot.sandbox.eventually(lambda: bot.sandbox.messages(channel))[0]["text"]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("link", "Usage: `/sip link CUSTOMER_REF`"),
        ("link NOPE-1", "No customer 'NOPE-1'"),
        ("link HOOLI-007 extra", "Usage:"),
    ],
)
def test_a_bad_link_command_gets_a_sentence(
    running_bot: RunningBot, hooli: tuple[str, str], text: str, sentence: str
):
    bot, (channel, _) = running_bot, hooli
    bot.sandbox.join(channel, bot.sandbox.bot_user_id)
    bot.slack.slash_command("/sip", text, user=bot.world.alice, channel=channel)
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert sentence in said[0].body["text"]
    assert _link(bot, channel) is None


def test_a_channel_linked_to_another_customer_is_refused_with_its_name(running_bot: RunningBot):
    bot = running_bot
    load_example_customers(bot.runtime, bot.world)
    bot.slack.slash_command(
        "/sip", "link INITECH-042", user=bot.world.alice, channel=bot.world.globex_channel
    )
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert "already linked to Globex Dental (GLOBEX-001)" in said[0].body["text"]
    with bot.runtime.db.session() as session:
        customer = session.scalar(
            select(Customer)
            .join(ChannelLink, ChannelLink.customer_id == Customer.id)
            .where(ChannelLink.channel_id == bot.world.globex_channel)
        )
        assert customer is not None and customer.external_ref == "GLOBEX-001"


def test_the_staff_channel_is_never_linked(running_bot: RunningBot, hooli: tuple[str, str]):
    bot = running_bot
    bot.slack.slash_command(
        "/sip", "link HOOLI-007", user=bot.world.alice, channel=bot.world.staff_channel
    )
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses)
    assert "staff channel" in said[0].body["text"]
    assert _link(bot, bot.world.staff_channel) is None


def test_unlink_asks_first_then_unlinks_and_is_audited(running_bot: RunningBot):
    bot = running_bot
    load_example_customers(bot.runtime, bot.world)
    channel = bot.world.globex_channel
    bot.slack.slash_command("/sip", "unlink", user=bot.world.alice, channel=channel)
    question = bot.sandbox.eventually(lambda: bot.sandbox.responses)[0]
    assert "Unlink" in question.body["text"] and _link(bot, channel) is not None

    bot.slack.block_action(
        blocks.KEEP_LINK, ChannelRef(channel).encode(), user=bot.world.alice, channel=channel
    )
    kept = bot.sandbox.eventually(lambda: bot.sandbox.responses[1:])[0]
    assert kept.body["text"] == "The channel stays linked." and _link(bot, channel) is not None

    bot.slack.block_action(
        blocks.CONFIRM_UNLINK, ChannelRef(channel).encode(), user=bot.world.carol, channel=channel
    )
    refused = bot.sandbox.eventually(lambda: bot.sandbox.responses[2:])[0]
    assert refused.body["text"] == f":no_entry: {REFUSAL}" and _link(bot, channel) is not None

    bot.slack.block_action(
        blocks.CONFIRM_UNLINK, ChannelRef(channel).encode(), user=bot.world.alice, channel=channel
    )
    done = bot.sandbox.eventually(lambda: bot.sandbox.responses[3:])[0]
    assert "no longer linked to *Globex Dental*" in done.body["text"]
    assert _link(bot, channel) is None
    with bot.runtime.db.session() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "channel_unlinked"))
        assert [a.note for a in audit] == [f"{channel} unlinked from GLOBEX-001"]

    bot.slack.slash_command("/sip", "unlink", user=bot.world.alice, channel=channel)
    again = bot.sandbox.eventually(lambda: bot.sandbox.responses[4:])[0]
    assert "not linked to a customer" in again.body["text"]


def test_anyone_in_a_channel_may_ask_whose_it_is(running_bot: RunningBot, hooli: tuple[str, str]):
    bot, (channel, erlich) = running_bot, hooli
    load_example_customers(bot.runtime, bot.world)
    bot.sandbox.join(channel, bot.sandbox.bot_user_id)
    linked = bot.slack.slash_command("/sip", "whois", user=bot.world.carol,
                                     channel=bot.world.globex_channel)  # fmt: skip
    unlinked = bot.slack.slash_command("/sip", "whois", user=erlich, channel=channel)
    assert linked.json()["text"] == (
        "This channel is linked to *Globex Dental* (account `GLOBEX-001`)."
    )
    assert linked.json()["response_type"] == "ephemeral"
    assert unlinked.json()["text"].startswith("This channel is not linked to a customer")


def test_once_linked_only_the_customers_team_and_staff_may_ask_there(
    running_bot: RunningBot, hooli: tuple[str, str]
):
    bot, (channel, erlich) = running_bot, hooli
    bot.sandbox.join(channel, bot.sandbox.bot_user_id)
    bot.slack.slash_command("/sip", "link HOOLI-007", user=bot.world.alice, channel=channel)
    bot.sandbox.eventually(lambda: _link(bot, channel))
    bot.sandbox.join(channel, bot.world.carol)  # a contact of another customer's workspace
    for user in (bot.world.carol, erlich, bot.world.bob):
        bot.slack.slash_command("/sip", "status", user=user, channel=channel)
    said = bot.sandbox.eventually(lambda: len(bot.sandbox.responses) >= 4 and bot.sandbox.responses)
    by_user = {r.user: r.body["text"] for r in said[1:]}
    assert "taken from its customer's own Slack workspace only" in by_user[bot.world.carol]
    assert "Slack workspace only" not in by_user[erlich]
    assert "Slack workspace only" not in by_user[bot.world.bob]
