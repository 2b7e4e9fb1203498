"""`@sipdesk …` in a shared channel, where customers cannot use slash commands: answered in the
thread, by the same listeners as the commands."""

from __future__ import annotations

from desk import Desk

from slack_sandbox.threads import mention_bot, mention_in_thread, thread_texts


def test_a_mention_with_the_commands_words_is_answered_in_its_thread(desk: Desk):
    w = desk.world
    mention = mention_in_thread(
        desk.slack, w.carol, w.globex_channel, "callerid k3x9q2m7ab +35312345679"
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    assert desk.request(request_id).customer_message_ts == mention["ts"]
    said = desk.wait_thread(request_id, "Applied")
    assert len(said) >= 2
    assert all(m.get("thread_ts") == mention["ts"] for m in desk.sandbox.messages(w.globex_channel))


def test_plain_unambiguous_phrasing_works_too(desk: Desk):
    w = desk.world
    mention_in_thread(
        desk.slack,
        w.carol,
        w.globex_channel,
        "change caller id of Reception desk to +353 1 234 5679",
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+35312345679"


def test_anything_else_gets_the_help_in_the_thread(desk: Desk):
    w = desk.world
    mention = mention_in_thread(desk.slack, w.carol, w.globex_channel, "what is the weather like")
    said = desk.sandbox.eventually(
        lambda: thread_texts(desk.sandbox, w.globex_channel, mention["ts"])
    )
    assert "/callerid" in said[0] and "/sip status" in said[0]
    assert desk.requests() == []


def test_sip_words_reach_the_sip_commands_listeners(desk: Desk):
    w = desk.world
    mention = mention_in_thread(desk.slack, w.carol, w.globex_channel, "sip help")
    said = desk.sandbox.eventually(
        lambda: thread_texts(desk.sandbox, w.globex_channel, mention["ts"])
    )
    assert "/sip status" in said[0]


def test_a_refusal_is_said_in_the_thread_and_creates_nothing(desk: Desk):
    w = desk.world
    mention = mention_in_thread(
        desk.slack, w.carol, w.globex_channel, "callerid nosuchphone +35312345679"
    )
    said = desk.sandbox.eventually(
        lambda: thread_texts(desk.sandbox, w.globex_channel, mention["ts"])
    )
    assert "has no SIP account called “nosuchphone”" in said[0]
    assert desk.requests() == []


def test_a_retried_event_and_a_message_resent_under_a_new_event_id_make_one_request(desk: Desk):
    w = desk.world
    message, mention = mention_bot(
        desk.sandbox, w.carol, w.globex_channel, "callerid k3x9q2m7ab +35312345679"
    )
    desk.slack.event(message)
    desk.slack.event(mention, event_id="Ev0MENTION1")
    desk.slack.event(mention, event_id="Ev0MENTION1", retry_num=1, retry_reason="http_timeout")
    desk.slack.event(mention, event_id="Ev0MENTION2")  # the same message, a new event_id
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied")
    # A later, different ask proves the bot went through every delivery before it.
    mention_in_thread(desk.slack, w.carol, w.globex_channel, "callerid p8w4n6t1cz +35312345679")
    desk.sandbox.eventually(lambda: len(desk.requests()) == 2)
    desk.wait_state(desk.requests()[1].id, "applied")
    assert len(desk.requests()) == 2
    assert len([t for t in desk.thread(request_id) if "Applied" in t]) == 1


def test_a_staff_only_word_by_mention_from_a_customer_is_refused_in_the_thread(desk: Desk):
    w = desk.world
    mention = mention_in_thread(desk.slack, w.carol, w.globex_channel, "sip menu")
    said = desk.sandbox.eventually(
        lambda: thread_texts(desk.sandbox, w.globex_channel, mention["ts"])
    )
    assert said == [":no_entry: Only the support team can do that."]
    assert [r.actor for r in desk.refusals()] == [w.carol]
    assert not any("What can sipdesk do" in str(m) for m in desk.sandbox.messages(w.globex_channel))
