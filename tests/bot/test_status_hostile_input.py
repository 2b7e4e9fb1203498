"""Hostile input to `/sip status` and the Home tab gets a polite answer, never a 500 or a
traceback: huge texts, control and invisible characters, mentions, forged user fields."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from customers import load_example_customers
from running import RunningBot

from slack_sandbox import RecordedResponse, payloads


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    return running_bot


def _status(bot: RunningBot, text: str, answers: int = 1) -> RecordedResponse:
    """The first answer; one account found gets a second (the devices seen now) after it."""
    w = bot.world
    before = len(bot.sandbox.responses)
    answer = bot.slack.slash_command("/sip", text, user=w.carol, channel=w.globex_channel)
    assert answer.status_code == 200
    bot.sandbox.eventually(lambda: bot.sandbox.responses[before:][answers - 1 :])
    said = bot.sandbox.responses[before:]
    assert len(said) == answers
    text_said = json.dumps([s.body for s in said])
    assert "Traceback" not in text_said and "something went wrong" not in text_said
    return said[0]


def test_a_5000_character_name_is_refused_politely_and_shown_cut(bot: RunningBot):
    said = _status(bot, "status " + "x" * 5000)
    text = said.body["text"]
    assert "Globex Dental has no SIP account" in text
    assert len(text) < 400 and "xxx…" in text


def test_invisible_and_control_characters_do_not_hide_an_account(bot: RunningBot):
    said = _status(bot, "status Recep\u200btion\x00 \x07desk\u2066", answers=2)
    shown = json.dumps(said.body["blocks"])
    assert "k3x9q2m7ab" in shown and "p8w4n6t1cz" not in shown


def test_mentions_typed_as_a_name_come_back_as_plain_text(bot: RunningBot):
    said = _status(bot, "status <!channel> <@U0ALICE>")
    assert "&lt;!channel&gt;" in said.body["text"]
    assert "<!channel>" not in said.body["text"] and "<@U0ALICE>" not in said.body["text"]


def test_only_control_characters_after_status_lists_everything(bot: RunningBot):
    said = _status(bot, "status \x01\x02\u200b\u200d")
    shown = json.dumps(said.body["blocks"])
    assert "k3x9q2m7ab" in shown and "p8w4n6t1cz" in shown


def test_a_forged_user_field_in_a_command_changes_nothing(bot: RunningBot):
    w, sandbox = bot.world, bot.sandbox
    form = payloads.slash_command_form(sandbox, "/sip", "status", w.carol, w.globex_channel, None)
    form.update({"user": w.alice, "user_team_id": w.provider_team})  # forged, but signed along
    answer = bot.slack.post_form(form)
    assert answer.status_code == 200
    said = sandbox.eventually(lambda: sandbox.responses)
    assert said[0].user == w.carol and "Globex Dental" in said[0].body["text"]


def test_a_forged_user_inside_a_refresh_click_gets_the_clickers_own_tab(bot: RunningBot):
    w, sandbox = bot.world, bot.sandbox
    payload = payloads.block_actions(
        sandbox,
        "home_refresh",
        json.dumps({"user": w.alice}),
        user=w.carol,
        channel=None,
        message_ts=None,
        block_id=None,
        container=None,
        view=None,
        action_type="button",
    )
    payload["user_id"] = w.alice
    payload["actions"][0]["user"] = {"id": w.alice}
    answer = bot.slack.post_raw(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    sandbox.eventually(lambda: sandbox.calls_to("views.publish"))
    assert [c.args["user_id"] for c in sandbox.calls_to("views.publish")] == [w.carol]
    home = sandbox.home_of(w.carol)
    assert home is not None and "Waiting for approval" not in json.dumps(home)


def test_a_refresh_click_with_no_user_is_answered_without_a_500(bot: RunningBot):
    w, sandbox = bot.world, bot.sandbox
    payload = payloads.block_actions(
        sandbox,
        "home_refresh",
        "",
        user=w.carol,
        channel=None,
        message_ts=None,
        block_id=None,
        container=None,
        view=None,
        action_type="button",
    )
    del payload["user"]
    answer = bot.slack.post_raw(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )
    assert answer.status_code < 500
    # A later, ordinary click is served: the broken one left nothing behind.
    bot.slack.block_action("home_refresh", "", user=w.carol)
    sandbox.eventually(lambda: sandbox.home_of(w.carol))
    assert [c.args["user_id"] for c in sandbox.calls_to("views.publish")] == [w.carol]


def test_a_nul_byte_in_the_channel_or_the_user_is_answered_not_a_database_error(bot: RunningBot):
    w, sandbox = bot.world, bot.sandbox
    form = payloads.slash_command_form(sandbox, "/sip", "status", w.carol, w.globex_channel, None)
    form["channel_id"] = "C0\x00GLOBEX"
    assert bot.slack.post_form(form).status_code == 200
    said = sandbox.eventually(lambda: sandbox.responses)
    assert "not linked to a customer" in said[0].body["text"]

    payload = payloads.block_actions(
        sandbox,
        "home_refresh",
        "",
        user=w.carol,
        channel=None,
        message_ts=None,
        block_id=None,
        container=None,
        view=None,
        action_type="button",
    )
    payload["user"]["id"] = "U\x00CAROL"
    answer = bot.slack.post_raw(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )
    assert answer.status_code < 500
    published = sandbox.eventually(lambda: sandbox.calls_to("views.publish"))
    assert [c.args["user_id"] for c in published] == ["U\x00CAROL"]
    assert "Your open requests:* none" in json.dumps(published[0].args["view"])
