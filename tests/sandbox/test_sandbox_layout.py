"""The sandbox package has no import circle: the drivers, payload builders and demo world use
the sandbox through Protocols (slack_side.py), and only the package's front door imports it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from sandbox_endpoint import BotEndpoint

import slack_sandbox
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox, SocketModeDriver
from slack_sandbox.driving import Driver

PACKAGE = Path(slack_sandbox.__file__).parent


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        name = path.stem
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "slack_sandbox":
                    found.update(alias.name for alias in node.names)
                elif node.module.startswith("slack_sandbox."):
                    found.add(node.module.split(".")[1])
        graph[name] = found - {name}
    return graph


def test_no_module_but_the_front_door_imports_the_sandbox():
    importers = {name for name, used in _imports().items() if "sandbox" in used}
    assert importers == {"__init__"}


def test_the_package_has_no_import_circle():
    graph = {n: {m for m in used if m in _imports()} for n, used in _imports().items()}
    graph.pop("__init__")
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for used in graph.get(name, ()):
            visit(used, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_both_drivers_share_one_implementation():
    assert issubclass(SlackDriver, Driver) and issubclass(SocketModeDriver, Driver)
    for method in ("slash_command", "block_action", "view_submission", "event", "say",
                   "mention", "share_file", "app_home_opened"):  # fmt: skip
        assert method not in vars(SlackDriver) and method not in vars(SocketModeDriver), method


def test_a_mention_reaches_the_app_as_message_and_app_mention_over_http(
    sandbox: SlackSandbox, world: DemoWorld, bot_endpoint: BotEndpoint
):
    with SlackDriver(bot_endpoint.url, sandbox.signing_secret, sandbox) as driver:
        driver.mention(world.carol, world.globex_channel, "hello")
    events = [json.loads(r.body)["event"] for r in bot_endpoint.received]
    assert [e["type"] for e in events] == ["message", "app_mention"]
    assert events[1]["text"] == f"<@{sandbox.bot_user_id}> hello"
