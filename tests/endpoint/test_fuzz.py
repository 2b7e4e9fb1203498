"""A seeded fuzz run: thousands of bodies shaped like Slack's and then bent out of shape, sent
unsigned and signed, while a customer keeps asking for help.

Nothing may answer 5xx or log a traceback; unsigned bodies may cause no outbound call at all;
a signed `/sip help` sent alongside is acknowledged within 1 s throughout.
"""

from __future__ import annotations

import copy
import json
import os
import random
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
from endpoint_bot import Bot, Trap, tracebacks, trap

from slack_sandbox import SlackDriver, payloads
from slack_sandbox.driver import Signature

SEED = int(os.environ.get("SIPDESK_FUZZ_SEED", "8"))  # another seed explores further
BODIES_PER_PHASE = 1100  # unsigned, then signed: 2,200 in all
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _templates(bot: Bot, hook: Trap) -> list[tuple[str, dict[str, Any]]]:
    """(wire, document) pairs as Slack sends them; "form" documents are flat fields."""
    s, w = bot.sandbox, bot.world
    command = payloads.slash_command_form(s, "/sip", "help", w.carol, w.globex_channel, None)
    command["response_url"] = hook.url
    click = payloads.block_actions(
        s, "home_refresh", "", user=w.alice, channel=w.globex_channel, message_ts=None,
        block_id=None, container=None, view=None, action_type="button",
    )  # fmt: skip
    click["response_url"] = hook.url
    submission = payloads.view_submission(
        s, "request_caller_id", {"number": {"value": "+353 1 234 5678"}},
        user=w.carol, private_metadata="r1:v1", view_id=None,
    )  # fmt: skip
    home = payloads.event_envelope(s, payloads.app_home_opened(s, w.alice), None)
    message = payloads.event_envelope(s, s.say(w.carol, w.globex_channel, "<!channel> hi"), None)
    return [
        ("form", command),
        ("payload", click),
        ("payload", submission),
        ("json", home),
        ("json", message),
        ("json", {"type": "url_verification", "challenge": "c" * 20, "token": "t"}),
    ]


def _junk(rng: random.Random, bot: Bot) -> Any:
    w = bot.world
    return rng.choice(
        [
            None, "", 0, -1, 2**70, 3.5, True, [], {}, [None], {"id": None}, {"id": 7},
            "<!channel>", "x" * rng.randint(1, 5000), "\u202e\u0000\ud7ff", w.alice, w.carol,
            "app_home_opened", "block_actions", "view_submission", {"type": "app_home_opened"},
            [{"action_id": "home_refresh"}], {"id": w.alice, "team_id": 5}, "/sip", "1.5",
        ]
    )  # fmt: skip


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _mutate(rng: random.Random, bot: Bot, document: dict[str, Any]) -> dict[str, Any]:
    bent = copy.deepcopy(document)
    for _ in range(rng.randint(1, 4)):
        paths = list(_paths(bent))
        if not paths:
            break
        path = rng.choice(paths)
        parent: Any = bent
        for step in path[:-1]:
            parent = parent[step]
        if rng.random() < 0.25 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = _junk(rng, bot)
    return bent


def _encode(rng: random.Random, wire: str, document: dict[str, Any]) -> tuple[bytes, str | None]:
    if wire == "form":
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in document.items()}
        body, kind = urlencode(fields).encode(), FORM
    elif wire == "payload":
        body, kind = urlencode({"payload": json.dumps(document)}).encode(), FORM
    else:
        body, kind = json.dumps(document).encode(), JSON
    roll = rng.random()
    if roll < 0.08:
        body = body[: rng.randint(0, len(body))]  # cut short
    elif roll < 0.14:
        at = rng.randint(0, len(body))
        body = body[:at] + rng.randbytes(rng.randint(1, 64)) + body[at:]
    elif roll < 0.18:
        kind = rng.choice([JSON, FORM, "text/plain", "multipart/form-data; boundary=x", None])
    elif roll < 0.20:
        body = rng.randbytes(rng.randint(0, 2048))
    return body, kind


def _bodies(bot: Bot, hook: Trap, seed: int) -> Iterator[tuple[bytes, str | None]]:
    rng = random.Random(seed)
    templates = _templates(bot, hook)
    for _ in range(BODIES_PER_PHASE):
        wire, document = rng.choice(templates)
        bent = document if rng.random() < 0.1 else _mutate(rng, bot, document)
        yield _encode(rng, wire, bent)


def _unsigned_headers(rng: random.Random, driver: SlackDriver, body: bytes) -> dict[str, str]:
    how = rng.choice(["none", "bad", "stale", "garbage-timestamp", "garbage-signature"])
    if how == "none":
        return {}
    if how in ("bad", "stale"):
        return driver.with_signature(Signature(how)).signed_headers(body)
    good = driver.signed_headers(body)
    if how == "garbage-timestamp":
        return {**good, "X-Slack-Request-Timestamp": rng.choice(["x", "", "1e3", "99999999999999"])}
    return {**good, "X-Slack-Signature": rng.choice(["", "v0=", "v1=" + "0" * 64, "v0=zz"])}


class HelpProbe:
    """Asks for `/sip help` (signed) every few tens of milliseconds, timing each ack."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self.timings: list[float] = []
        self.failures: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with SlackDriver(self._bot.url, self._bot.sandbox.signing_secret, self._bot.sandbox) as d:
            w = self._bot.world
            while not self._stop.wait(0.05):
                started = time.monotonic()
                answer = d.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
                self.timings.append(time.monotonic() - started)
                if answer.status_code != 200 or "/sip help" not in answer.text:
                    self.failures.append(answer.status_code)

    def __enter__(self) -> HelpProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def test_two_thousand_bent_bodies_signed_and_unsigned(bot: Bot, log: Any):
    statuses: dict[int, int] = {}
    rng = random.Random(SEED)
    with trap() as hook, HelpProbe(bot) as probe, httpx.Client(timeout=15) as http:
        calls_before = len(bot.sandbox.calls)
        for body, kind in _bodies(bot, hook, SEED):
            headers = _unsigned_headers(rng, bot.slack, body)
            if kind is not None:
                headers["Content-Type"] = kind
            answer = http.post(bot.events_url, content=body, headers=headers)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            assert answer.status_code in (401, 413), (answer.status_code, body[:200])
        # A signed request behind them all has been answered: the unsigned ones had their turn.
        assert bot.timed_help()[1].status_code == 200
        assert hook.hits == []
        unsigned_calls = [c.method for c in bot.sandbox.calls[calls_before:]]
        assert set(unsigned_calls) <= {"auth.test"}  # the probe's first signed request

        for body, kind in _bodies(bot, hook, SEED + 1):
            answer = bot.slack.post_raw(body, kind or "")
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            assert answer.status_code < 500, (answer.status_code, body[:300])
    assert probe.failures == []
    assert len(probe.timings) > 20
    assert max(probe.timings) < 1.0, sorted(probe.timings)[-5:]
    assert tracebacks(log.records) == []
    assert sum(statuses.values()) >= 2 * BODIES_PER_PHASE
    assert statuses.get(200, 0) > 50 and statuses.get(400, 0) > 200, statuses  # both kinds seen
