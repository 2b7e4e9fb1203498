"""Demo scene: a number proven by answering a call-back, on the stand-in phone line.

The embedded defaults have no telephone network: the demo's call-back rings a stand-in phone
(telephony/callback/stand_in.py), and the transcript says so. In production baresip places a
real call through the platform (docs/telephony.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.demo_scenes.requests import Print, Scene, _indent, _text
from slack_sandbox.threads import thread_replies
from telephony.callback import StandInPhone

if TYPE_CHECKING:
    from bot.demo import Stage

CODE = re.compile(r"Your code is \*(\d{3}) (\d{3})\*")


def play(stage: Stage, out: Print) -> None:
    setup = stage.runtime.services.callback
    if setup is None or not isinstance(setup.caller, StandInPhone):
        return
    s, w = Scene(stage, out), stage.world
    out("--- a number proven by a call-back instead of a bill ---\n")
    s.command(w.dave, w.initech_channel, "/callerid", "r2d5v7x9qk +353 1 765 9876")
    proof = s.newest_request(1)
    s.thread(proof, "phone bill")
    offer = thread_replies(s.sandbox, w.initech_channel, str(proof.customer_message_ts))[-1]

    seen = len(s.sandbox.ephemerals(user=w.dave))
    s.click(w.dave, offer, "Call me with a code", channel=w.initech_channel)
    shown = s.sandbox.eventually(lambda: s.sandbox.ephemerals(user=w.dave)[seen:], 10.0)
    code = ""
    for ephemeral in shown:
        text = str(ephemeral["message"].get("text", ""))
        out(f"[{s.name(w.initech_channel)}] sipdesk (only visible to dave): {text}")
        found = CODE.search(text)
        code = found[1] + found[2] if found else code
    assert code, "the demo saw no code"

    number = "+35317659876"
    out(
        f"the stand-in phone of {number} rings (a stand-in: the demo has no telephone network; "
        "in production baresip calls the number through the platform)"
    )
    out(f"    someone answers, hears the spoken prompt and keys in {code}")
    setup.caller.pick_up(number, f"keys:{code}")
    s.thread(proof, "keyed in the right code")
    card = s.card(proof.id, lambda c: "Proven by call-back" in _text(c))
    s.click(w.bob, card, "Approve")
    s.state(proof.id, "applied")
    s.thread(proof, "Applied")
    out(
        _indent(
            "(the limits: 3 calls and 3 codes per request, one call per number per 2 minutes, "
            f"{setup.daily} a day per customer, none at night on the number's clock)"
        )
    )
