"""Demo scene: sipdesk is added to a new Slack Connect channel; staff link it from the card."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from handlers.onboarding.blocks import LINK, PICK_CUSTOMER
from handlers.refs import ChannelRef
from store.models import Customer

if TYPE_CHECKING:
    from bot.demo import Stage

Print = Callable[[str], None]


def play(stage: Stage, out: Print) -> None:
    from bot.demo_render import indent, render_message

    def shown(message: dict[str, object] | None) -> str:
        """The message as Slack shows it: channels and people by name."""
        text = render_message(message) if message else "(nothing)"
        for slack_id, name in stage.names.items():
            text = text.replace(f"<#{slack_id}>", name).replace(f"<@{slack_id}>", name)
        return text

    w, sandbox, slack = stage.world, stage.sandbox, stage.slack
    with stage.runtime.db.session() as session:
        session.add(
            Customer(
                external_ref="UMBRELLA-310", name="Umbrella Clinics",
                holder_name="Umbrella Clinics Limited", plan="business", country="IE",
                timezone="Europe/Dublin",
            )
        )  # fmt: skip
    team = sandbox.add_team("Umbrella Clinics", "umbrella")
    ursula = sandbox.add_user("ursula", team_id=team, real_name="Ursula IT")
    channel = sandbox.add_channel(
        "umbrella-voip", members=[w.alice, ursula], shared_with_team=team, bot_is_member=False
    )
    stage.names.update({ursula: "ursula (Umbrella Clinics, external)", channel: "#umbrella-voip"})
    staff = stage.names[w.staff_channel]
    out("(Umbrella Clinics was imported this morning; they share #umbrella-voip with us)")

    out(f"{stage.names[w.alice]} adds sipdesk to #umbrella-voip")
    before = len(sandbox.messages(w.staff_channel))
    slack.add_to_channel(channel, sandbox.bot_user_id, inviter=w.alice)
    card = sandbox.eventually(lambda: sandbox.messages(w.staff_channel)[before:])
    out(f"[{staff}] sipdesk:")
    out(indent(shown(card[0] if card else None)))
    if not card:
        return
    ts = str(card[0]["ts"])

    out(f'[{staff}] {stage.names[w.alice]} types "umb" in the customer menu')
    options = slack.options(PICK_CUSTOMER, "umb", user=w.alice, channel=w.staff_channel,
                            message_ts=ts)  # fmt: skip
    out(indent("\n".join(f"( {o['text']['text']} )" for o in options) or "(no customers)"))
    out(f"[{staff}] {stage.names[w.alice]} picks Umbrella Clinics and clicks [ Link ]")
    slack.block_action(PICK_CUSTOMER, "UMBRELLA-310", user=w.alice, channel=w.staff_channel,
                       message_ts=ts, action_type="external_select")  # fmt: skip
    slack.block_action(LINK, ChannelRef(channel).encode(), user=w.alice, channel=w.staff_channel,
                       message_ts=ts)  # fmt: skip
    welcome = sandbox.eventually(lambda: sandbox.messages(channel))
    out("[#umbrella-voip] sipdesk:")
    out(indent(shown(welcome[0] if welcome else None)))
    sandbox.eventually(lambda: "now linked" in str(sandbox.message(w.staff_channel, ts)))
    record = sandbox.message(w.staff_channel, ts)
    out(f"[{staff}] the card now reads:")
    out(indent(shown(record)))

    out(f"[#umbrella-voip] {stage.names[ursula]}: /sip whois")
    answer = slack.slash_command("/sip", "whois", user=ursula, channel=channel)
    out("[#umbrella-voip] sipdesk (only visible to you):")
    out(indent(str(answer.json().get("text", "")) if answer.content else "(no answer)"))
