"""The hostile suite: every listener sipdesk registers (slash commands and their words, mentions,
buttons, forms, the Home tab) is tried with a forged team, a forged channel, a forged user, a
replayed token and an external user in the staff channel. Each time nothing changes (every table
as it was, bar the audit's refusal rows; no Slack message, edit, upload or form beyond the
refusal) and the person gets a sentence.

The listeners come from the app's own registry, so a listener added later is attacked too. The
desk is one for the module (building one takes seconds); each attack compares before and after.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis
from desk import Desk, button_value
from desk_world import open_desk
from sqlalchemy import select, text

from bot.slack_app import build_app
from handlers.approvals.blocks import APPROVE
from handlers.links import issue_credentials_link
from handlers.links.blocks import OPEN_CREDENTIALS_PAGE, OPEN_UPLOAD_PAGE
from handlers.new_sip.blocks import ACCEPT
from handlers.refs import ChannelRef, RequestRef
from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import REFUSAL
from slack_sandbox import Signature, payloads
from store.db import Database
from store.links import Credentials
from store.models import AuditEvent, Base
from telephony import build_platform

REDIS_URL = "redis://127.0.0.1:6379/0"
# Buttons that only open a URL: Slack tells the app of the click, the browser does the rest.
URL_BUTTONS = {OPEN_UPLOAD_PAGE, OPEN_CREDENTIALS_PAGE}
# What each command word is tried with: a change it would make if it let the attacker through.
COMMAND_TEXT = {
    "new": "new Front desk",
    "silence": "silence r2d5v7x9qk 2h",
    "unsilence": "unsilence r2d5v7x9qk",
    "silences": "silences",
    "quiet": "quiet 19:00-08:00",
    "digest": "digest off",
    "menu": "menu",
    "status": "status",
}
# Slack calls that change what people see (the refusal itself goes by response_url, ephemeral,
# the form's own answer, or the mention's thread).
CHANGES = (
    "chat.postMessage",
    "chat.update",
    "chat.delete",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "views.open",
    "views.push",
    "views.update",
)
SCENARIOS = ("forged_team", "forged_channel", "forged_user", "replayed", "external_in_staff")


def _registry() -> Registry:
    """The app's registry, built as the app builds it, to list what to attack."""
    db = Database("sqlite://")
    services = Services(
        db=db,
        redis=redis.Redis(),
        redis_prefix="t:",
        telephony=build_platform("builtin", database=db, sip_domain="sip.test"),
    )
    _, registry = build_app(
        services, token="xoxb-test", signing_secret="s", api_url="http://127.0.0.1:9/api/"
    )
    db.dispose()
    return registry


REGISTRY = _registry()
WORDS = [(c, w) for c, words in sorted(REGISTRY.subcommands.items()) for w in sorted(words)]
COMMANDS = WORDS + [(c, "") for c in sorted(REGISTRY.fallbacks)]


def _command_text(command: str, word: str) -> str:
    if word:
        return COMMAND_TEXT.get(word, word)
    return "k3x9q2m7ab +35312345679" if command == "/callerid" else "help"


@dataclass
class Arena:
    desk: Desk
    pending: int  # a request waiting for staff (Approve, Reject, ...)
    awaiting: int  # gina's new SIP account, waiting for her Accept
    forged: str = "U0FORGED00"

    @property
    def sandbox(self) -> Any:
        return self.desk.sandbox


@pytest.fixture(scope="module")
def arena(migrated_postgres: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arena]:
    with migrated_postgres.engine.begin() as conn:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    prefix = f"sipdesk-test:{uuid.uuid4().hex[:10]}:"
    home = tmp_path_factory.mktemp("hostile")
    # Staff are the staff channel's members, and Globex's contact is one of them.
    desk = open_desk(migrated_postgres, REDIS_URL, prefix, home, SIPDESK_STAFF_USERGROUP=None)
    try:
        w = desk.world
        desk.sandbox.join(w.staff_channel, w.carol)
        gina = desk.sandbox.add_user("gina", team_id=w.globex_team)
        desk.sandbox.join(w.globex_channel, gina)
        # An international number on the account: staff decide.
        desk.slack.slash_command(
            "/callerid", "k3x9q2m7ab +442079460123", user=w.carol, channel=w.globex_channel
        )
        pending = desk.sandbox.eventually(desk.requests)[0].id
        desk.wait_state(pending, "pending_approval")
        desk.wait_card(pending)
        desk.slack.slash_command("/sip", "new Gina desk", user=gina, channel=w.globex_channel)
        awaiting = desk.sandbox.eventually(lambda: desk.requests()[1:])[0].id
        desk.wait_state(awaiting, "awaiting_customer")
        desk.sandbox.eventually(lambda: _cost_message(desk))
        yield Arena(desk, pending, awaiting)
    finally:
        desk.close()
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=prefix + "*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


def _cost_message(desk: Desk) -> dict[str, Any] | None:
    for message in desk.sandbox.history(desk.world.globex_channel):
        if ACCEPT in json.dumps(message.get("blocks") or []):
            return message
    return None


# -- what an attack may and may not leave behind -------------------------------------------


def _tables(desk: Desk) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, but the audit's refusals (a refusal is recorded, by design)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with desk.runtime.db.session() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if table.name == AuditEvent.__tablename__:
                query = query.where(table.c.action != "refused")
            rows[table.name] = sorted(
                (tuple(map(repr, row)) for row in session.execute(query)), key=repr
            )
    return rows


@dataclass
class Mark:
    tables: dict[str, list[tuple[Any, ...]]]
    calls: int
    responses: int
    ephemerals: int


def _mark(arena: Arena) -> Mark:
    s = arena.sandbox
    return Mark(_tables(arena.desk), len(s.calls), len(s.responses), len(s.ephemerals()))


def _said_since(arena: Arena, mark: Mark, reply: Any) -> list[str]:
    """Every sentence the bot gave since `mark`: the HTTP answer, response_url posts,
    ephemerals, a form's errors or replacement, a Home tab, a thread reply."""
    s = arena.sandbox
    said: list[str] = []
    if reply is not None and reply.content.strip():
        try:
            said.append(json.dumps(reply.json()))
        except ValueError:
            said.append(reply.text)
    said += [json.dumps(r.body) for r in s.responses[mark.responses :]]
    said += [json.dumps(e["message"]) for e in s.ephemerals()[mark.ephemerals :]]
    for call in s.calls[mark.calls :]:
        # a Home tab counts even when Slack has no such user to show it to (a forged id)
        if call.method == "views.publish" or (call.method == "chat.postMessage" and not call.error):
            said.append(json.dumps(call.args))
    return said


def _changes_since(arena: Arena, mark: Mark, allowed: Callable[[Any], bool]) -> list[str]:
    return [
        f"{c.method} {c.args}"
        for c in arena.sandbox.calls[mark.calls :]
        if c.method in CHANGES and c.error is None and not allowed(c)
    ]


def _attack(
    arena: Arena,
    send: Callable[[], Any],
    *,
    expect_refusal: bool = True,
    allowed: Callable[[Any], bool] = lambda call: False,
) -> list[str]:
    """Send, wait for the sentence, then check nothing changed; returns what was said."""
    mark = _mark(arena)
    reply = send()
    assert reply.status_code in (200, 401), reply.text
    if reply.status_code == 401:
        said = ["refused at the door: the signature does not hold"]
    else:
        said = arena.sandbox.eventually(lambda: _said_since(arena, mark, reply), 15.0)
    if expect_refusal:
        assert said, "the attacker was told nothing"
    time.sleep(0)  # the sentence proves the listener ran; what follows is checked after it
    assert _tables(arena.desk) == mark.tables, "the database changed"
    assert _changes_since(arena, mark, allowed) == []
    return said


# -- the attackers ---------------------------------------------------------------------------


def _who(arena: Arena, scenario: str, *, staff_side: bool) -> tuple[str, str | None, str]:
    """(user, the team the payload claims, channel) of a scenario."""
    w = arena.desk.world
    home_channel = w.staff_channel if staff_side else w.globex_channel
    return {
        # Globex's contact, claiming Initech's team
        "forged_team": (w.carol, w.initech_team, w.globex_channel),
        # Initech's contact, in Globex's channel (where Slack would never have him)
        "forged_channel": (w.dave, w.initech_team, w.globex_channel),
        # a user Slack does not know, claiming the provider's own workspace
        "forged_user": (arena.forged, w.provider_team, home_channel),
        # a genuine request of Globex's contact, sent again once its signature is stale
        "replayed": (w.carol, w.globex_team, w.globex_channel),
        # Globex's contact, a member of the staff channel
        "external_in_staff": (w.carol, w.globex_team, w.staff_channel),
    }[scenario]


def _as(payload: dict[str, Any], user: str, team: str | None) -> dict[str, Any]:
    payload["user"] = {"id": user, "username": user, "name": user, "team_id": team}
    payload["team"] = {"id": team, "domain": "x"} if team else None
    return payload


def _value(arena: Arena, action_id: str) -> str:
    """The sealed value the app put on the button (for the buttons that read none: unread)."""
    request = arena.pending if action_id in _staff_actions() else arena.awaiting
    return RequestRef(request, arena.desk.request(request).version).encode()


def _signed(arena: Arena, scenario: str) -> Any:
    """The driver; for a replay, one whose signature's timestamp is past Slack's five minutes."""
    slack = arena.desk.slack
    return slack.with_signature(Signature.STALE) if scenario == "replayed" else slack


def _staff_actions() -> set[str]:
    return REGISTRY.staff_only & REGISTRY.actions


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("action_id", sorted(REGISTRY.actions))
def test_a_hostile_click_changes_nothing(arena: Arena, action_id: str, scenario: str):
    staff_only = action_id in _staff_actions()
    user, team, channel = _who(arena, scenario, staff_side=staff_only)
    sandbox = arena.sandbox
    slack = _signed(arena, scenario)
    message = _cost_message(arena.desk) if channel == arena.desk.world.globex_channel else None
    ts = str(message["ts"]) if message else "1.0"

    def send() -> Any:
        real = user if user in sandbox.world.users else arena.desk.world.carol
        payload = payloads.block_actions(
            sandbox, action_id, _value(arena, action_id), user=real, channel=channel,
            message_ts=ts, block_id=None, container=None, view=None, action_type="button",
        )  # fmt: skip
        return slack._send_interaction(_as(payload, user, team), accepts_response_payload=False)

    if action_id in URL_BUTTONS and scenario != "replayed":
        _attack(arena, send, expect_refusal=False)  # the browser opens the page; nothing else
        return
    said = _attack(
        arena,
        send,
        # the Home tab's Refresh answers with the clicker's own (visitor) tab
        allowed=lambda call: call.method == "views.publish" and call.args.get("user_id") == user,
    )
    if staff_only and scenario != "replayed":
        assert any(REFUSAL in s for s in said), said
    assert not any("support desk" in s for s in said), "a stranger saw the staff desk"


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("callback_id", sorted(REGISTRY.views))
def test_a_hostile_form_changes_nothing(arena: Arena, callback_id: str, scenario: str):
    w = arena.desk.world
    staff_only = callback_id in REGISTRY.staff_only
    user, team, channel = _who(arena, scenario, staff_side=staff_only)
    if staff_only:
        metadata = RequestRef(arena.pending, arena.desk.request(arena.pending).version).encode()
    else:
        metadata = ChannelRef(channel).encode()
    slack = _signed(arena, scenario)
    values = {
        "account": {"input": {"type": "static_select", "selected_option": {"value": "k3x9q2m7ab"}}},
        "kind": {"input": {"type": "radio_buttons", "selected_option": {"value": "pstn"}}},
        "value": {"input": "+35312345679"},
        "label": {"input": "Front desk"},
        "reason": {"reason_input": "forged"},
    }

    def send() -> Any:
        real = user if user in arena.sandbox.world.users else w.carol
        payload = payloads.view_submission(
            arena.sandbox, callback_id, values, user=real, private_metadata=metadata, view_id=None
        )
        return slack._send_interaction(_as(payload, user, team), accepts_response_payload=True)

    said = _attack(arena, send)
    if staff_only and scenario != "replayed":
        assert any(REFUSAL in s for s in said), said


def _command_form(arena: Arena, command: str, text: str, scenario: str) -> dict[str, str]:
    staff_side = "menu" in text.split()[:1]
    user, team, channel = _who(arena, scenario, staff_side=staff_side)
    real = user if user in arena.sandbox.world.users else arena.desk.world.carol
    form = payloads.slash_command_form(arena.sandbox, command, text, real, channel, team)
    form["user_id"] = user
    return form


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("command", "word"), COMMANDS)
def test_a_hostile_command_changes_nothing(arena: Arena, command: str, word: str, scenario: str):
    text_typed = _command_text(command, word)
    form = _command_form(arena, command, text_typed, scenario)
    slack = _signed(arena, scenario)
    said = _attack(arena, lambda: slack._send_command(form))
    if word == "menu" and scenario != "replayed":
        assert any(REFUSAL in s for s in said), said
    # help answers anyone, but nobody is shown another customer's accounts
    assert not any("Warehouse office" in s or "Reception desk" in s for s in said), said


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("command", "word"), COMMANDS)
def test_a_hostile_mention_changes_nothing(arena: Arena, command: str, word: str, scenario: str):
    w = arena.desk.world
    typed = f"{command.lstrip('/')} {_command_text(command, word)}"
    user, team, channel = _who(arena, scenario, staff_side=word == "menu")
    ts = arena.sandbox.world.new_ts()
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": payloads.mention_text(arena.sandbox, typed),
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
    }
    if scenario != "forged_user":  # a user Slack does not know comes with no team of theirs
        event["user_team"] = team
    slack = _signed(arena, scenario)

    def in_the_thread(call: Any) -> bool:
        return call.method == "chat.postMessage" and call.args.get("thread_ts") == ts

    said = _attack(arena, lambda: slack.event(event), allowed=in_the_thread)
    assert not any("Warehouse office" in s or "Reception desk" in s for s in said), said
    assert w  # the world the attack stood in


@pytest.mark.parametrize("scenario", ["forged_user", "external_in_staff", "forged_team"])
def test_a_stranger_opening_the_home_tab_sees_no_staff_desk(arena: Arena, scenario: str):
    user, team, _ = _who(arena, scenario, staff_side=True)
    event = {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0FORGED"}
    if team is not None and scenario == "forged_team":
        event["user_team"] = team  # Home events carry no team; a claimed one changes nothing

    def publishes_for_them(call: Any) -> bool:
        return call.method == "views.publish" and call.args.get("user_id") == user

    said = _attack(arena, lambda: arena.desk.slack.event(event), allowed=publishes_for_them)
    assert not any("support desk" in s for s in said), said


def test_an_agent_replaying_an_old_card_decides_nothing(arena: Arena):
    w = arena.desk.world
    stale = RequestRef(arena.pending, arena.desk.request(arena.pending).version - 1).encode()
    for action_id in sorted(_staff_actions()):

        def send(action_id: str = action_id) -> Any:
            return arena.desk.slack.block_action(
                action_id, stale, user=w.alice, channel=w.staff_channel, message_ts="1.0"
            )

        _attack(arena, send)


def test_a_customer_replaying_an_old_accept_or_another_kind_of_seal_decides_nothing(
    arena: Arena,
):
    w = arena.desk.world
    gina = next(u for u, p in arena.sandbox.world.users.items() if p.name == "gina")
    current = arena.desk.request(arena.awaiting).version
    for value in (
        RequestRef(arena.awaiting, current - 1).encode(),  # an older card's
        ChannelRef(w.globex_channel).encode(),  # sealed, but a channel's, not a request's
    ):

        def send(value: str = value) -> Any:
            return arena.desk.slack.block_action(
                ACCEPT, value, user=gina, channel=w.globex_channel, message_ts="1.0"
            )

        _attack(arena, send)


def _page_said(reply: Any) -> list[str]:
    assert reply.status_code in (400, 403, 404, 405, 410), reply.status_code
    assert "<h1>" in reply.text or "<title>" in reply.text  # a page that says why, not a blank
    return [reply.text]


def test_the_one_time_pages_refuse_forged_misused_and_replayed_tokens(arena: Arena):
    services = arena.desk.runtime.services
    url = issue_credentials_link(
        services, arena.awaiting, Credentials("sip.example.net", "n8w2k5q7zd", "Qw3rtyUiop4sdfG")
    )
    token = url.rsplit("/", 1)[1]
    base = url.split("/links/", 1)[0]
    with httpx.Client() as client:
        intro = client.get(url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', intro.text)
        assert intro.status_code == 200 and csrf
        client.post(url, data={"csrf": csrf[1]})  # viewed once, as meant
        for attempt in (
            lambda: client.get(f"{base}/links/credentials/{'A' * len(token)}"),  # forged
            lambda: client.get(f"{base}/links/upload/{token}"),  # the right token, wrong page
            lambda: client.get(url),  # replayed
            lambda: client.post(url, data={"csrf": csrf[1]}),  # replayed, with its form
            lambda: httpx.post(url, data={"csrf": "forged"}),  # no cookie, a forged form
        ):
            mark = _mark(arena)
            said = _page_said(attempt())
            assert "Qw3rtyUiop4sdfG" not in said[0]
            assert _tables(arena.desk) == mark.tables
            assert _changes_since(arena, mark, lambda call: False) == []


def test_the_push_endpoint_refuses_forgeries_and_is_off_without_a_token(arena: Arena):
    # The desk runs without SIPDESK_PUSH_TOKEN: the endpoint is not there at all.
    url = arena.desk.server.url + "/watch/registrar-events"
    body = {"event": "expired", "username": "k3x9q2m7ab"}
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "x" * 40}):
        mark = _mark(arena)
        answer = httpx.post(url, json=body, headers=headers)
        assert answer.status_code in (401, 404), answer.status_code
        assert _tables(arena.desk) == mark.tables


def test_the_same_attacks_leave_a_real_agent_able_to_decide(arena: Arena):
    """Last: the attacks above changed nothing, so the card they aimed at still decides."""
    card = arena.desk.card(arena.pending)
    value = button_value(card, APPROVE)
    arena.desk.slack.block_action(
        APPROVE, value, user=arena.desk.world.alice, channel=arena.desk.world.staff_channel,
        message_ts=card["ts"],
    )  # fmt: skip
    arena.desk.wait_state(arena.pending, "applied")
