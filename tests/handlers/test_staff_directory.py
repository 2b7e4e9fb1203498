"""Who is staff, decided against the local Slack sandbox: members of the staff group, else of the
private staff channel; nobody else, and nobody when it cannot be told."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from handlers.staff import StaffDirectory
from slack_sandbox import DemoWorld, SlackSandbox


@pytest.fixture
def slack() -> Iterator[tuple[SlackSandbox, DemoWorld, WebClient]]:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url, timeout=2)
    try:
        yield sandbox, world, client
    finally:
        sandbox.stop()


def test_members_of_the_staff_group_are_staff(slack):
    sandbox, w, client = slack
    directory = StaffDirectory(w.staff_group, w.staff_channel)
    home = sandbox.team_id
    assert directory.actor(client, w.alice, home, home).is_staff
    erin = sandbox.add_user("erin", team_id=home)
    assert not directory.actor(client, erin, home, home).is_staff


def test_without_a_group_the_private_staff_channel_decides(slack):
    sandbox, w, client = slack
    directory = StaffDirectory(None, w.staff_channel)
    home = sandbox.team_id
    assert directory.actor(client, w.bob, home, home).is_staff
    assert sandbox.calls_to("conversations.members")
    erin = sandbox.add_user("erin", team_id=home)
    assert not directory.actor(client, erin, home, home).is_staff


def test_external_users_and_unknown_teams_are_never_staff(slack):
    sandbox, w, client = slack
    directory = StaffDirectory(w.staff_group, w.staff_channel)
    home = sandbox.team_id
    carol = directory.actor(client, w.carol, w.globex_team, home)
    assert (carol.is_staff, carol.is_external) == (False, True)
    # A request that does not say which team it comes from: Slack is asked (users.info).
    assert not directory.actor(client, w.carol, None, home).is_staff
    assert directory.actor(client, w.alice, None, home).is_staff
    assert not directory.actor(client, w.alice, home, None).is_staff


def test_when_slack_cannot_say_which_team_a_user_is_in_they_are_not_staff(slack):
    sandbox, w, client = slack
    directory = StaffDirectory(w.staff_group, w.staff_channel)
    sandbox.fail_next("users.info", error="internal_error", times=5)
    assert not directory.actor(client, w.alice, None, sandbox.team_id).is_staff


def test_with_nothing_configured_nobody_is_staff(slack):
    sandbox, w, client = slack
    home = sandbox.team_id
    assert not StaffDirectory(None, None).actor(client, w.alice, home, home).is_staff


def test_when_slack_cannot_say_nobody_is_staff(slack):
    sandbox, w, client = slack
    sandbox.fail_next("usergroups.users.list", error="internal_error")
    home = sandbox.team_id
    assert not StaffDirectory(w.staff_group, None).actor(client, w.alice, home, home).is_staff


def test_the_list_is_cached_then_read_again(slack):
    sandbox, w, client = slack
    now = [0.0]
    directory = StaffDirectory(w.staff_group, None, cache_seconds=60, clock=lambda: now[0])
    home = sandbox.team_id
    for _ in range(5):
        directory.actor(client, w.alice, home, home)
    assert len(sandbox.calls_to("usergroups.users.list")) == 1
    now[0] = 61.0
    directory.actor(client, w.alice, home, home)
    assert len(sandbox.calls_to("usergroups.users.list")) == 2


def test_an_expired_list_is_fetched_by_one_click_while_the_others_keep_the_old_one(slack):
    sandbox, w, client = slack
    now = [0.0]
    directory = StaffDirectory(w.staff_group, None, cache_seconds=60, clock=lambda: now[0])
    first = directory.members(client)
    assert w.alice in first
    now[0] = 61.0
    asking, answer = threading.Event(), threading.Event()

    class SlowSlack(WebClient):
        def usergroups_users_list(self, **kwargs: Any) -> Any:
            asking.set()
            answer.wait(5)
            return super().usergroups_users_list(**kwargs)

    slow = SlowSlack(token=sandbox.bot_token, base_url=sandbox.api_url, timeout=2)
    refresher = threading.Thread(target=directory.members, args=(slow,))
    refresher.start()
    assert asking.wait(5)
    calls = len(sandbox.calls_to("usergroups.users.list"))
    assert directory.members(client) == first  # the old list, no call of its own
    assert len(sandbox.calls_to("usergroups.users.list")) == calls
    answer.set()
    refresher.join(5)
    assert len(sandbox.calls_to("usergroups.users.list")) == calls + 1
