"""The handle tests get on a running sipdesk."""

from __future__ import annotations

from dataclasses import dataclass

from bot.runtime import Runtime
from bot.web import HttpServer
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox


@dataclass
class RunningBot:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer
    slack: SlackDriver

    @property
    def url(self) -> str:
        return self.server.url
