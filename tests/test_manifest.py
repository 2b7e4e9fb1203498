"""manifest.yml and the registered listeners agree both ways: nothing declared that no code
answers, nothing answered that Slack would never send us, no scope asked for that no code uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from bot.slack_app import build_app
from handlers.registry import Registry
from handlers.services import Services
from store.db import Database
from telephony import build_platform

MANIFEST = Path(__file__).parent.parent / "manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())


@pytest.fixture(scope="module")
def registry() -> Registry:
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
    return registry


def test_every_slash_command_in_the_manifest_is_answered_and_vice_versa(manifest, registry):
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == registry.commands


def test_the_subscribed_events_are_exactly_those_with_listeners(manifest, registry):
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert declared == registry.events


def test_interactivity_is_on_exactly_when_there_are_buttons_or_views(manifest, registry):
    assert manifest["settings"]["interactivity"]["is_enabled"] == registry.interactive


def test_the_bot_asks_for_exactly_the_scopes_its_use_cases_need(manifest, registry):
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == registry.scopes


def test_menus_filled_by_the_app_have_an_options_url_and_only_then(manifest, registry):
    options_url = manifest["settings"]["interactivity"].get("message_menu_options_url")
    assert bool(options_url) == bool(registry.options)


def test_the_home_tab_is_enabled_because_a_listener_publishes_it(manifest, registry):
    assert manifest["features"]["app_home"]["home_tab_enabled"] == (
        "app_home_opened" in registry.events
    )


def test_every_request_url_points_at_the_one_events_endpoint(manifest):
    urls = {c["url"] for c in manifest["features"]["slash_commands"]}
    urls.add(manifest["settings"]["event_subscriptions"]["request_url"])
    urls.add(manifest["settings"]["interactivity"]["request_url"])
    urls.add(manifest["settings"]["interactivity"].get("message_menu_options_url"))
    urls.discard(None)
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert manifest["features"]["bot_user"]["display_name"]
    assert "socket_mode_enabled" in manifest["settings"]
