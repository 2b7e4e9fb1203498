"""A started sandbox with the demo world, a real WebClient on it, and a stand-in bot endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_endpoint import BotEndpoint, running_bot_endpoint
from slack_sdk import WebClient

from slack_sandbox import DemoWorld, SlackSandbox


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as running:
        yield running


@pytest.fixture
def world(sandbox: SlackSandbox) -> DemoWorld:
    return sandbox.seed_demo_world()


@pytest.fixture
def client(sandbox: SlackSandbox) -> WebClient:
    return WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)


@pytest.fixture
def bot_endpoint() -> Iterator[BotEndpoint]:
    with running_bot_endpoint() as endpoint:
        yield endpoint
