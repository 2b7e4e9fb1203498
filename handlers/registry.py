"""Listeners register through a `Registry`, which also remembers what was registered, so the app
manifest can be checked against the code both ways (tests/test_manifest.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_bolt import App

if TYPE_CHECKING:
    from handlers.services import Services

Listener = Callable[..., Any]


@dataclass
class Registry:
    app: App
    services: Services | None = None
    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)
    options: set[str] = field(default_factory=set)  # external_select menus the app fills
    scopes: set[str] = field(default_factory=set)

    subcommands: dict[str, dict[str, Listener]] = field(default_factory=dict)
    # What only staff may do ("/sip menu", action ids, view callback ids): the hostile suite
    # (tests/security) expects the staff refusal from each.
    staff_only: set[str] = field(default_factory=set)
    fallbacks: dict[str, Listener] = field(default_factory=dict)
    # Listeners that may recognise a mention's plain words ("change caller id of X to Y"):
    # each takes (text, channel_id) and answers a handler of the mention, or None.
    phrasings: list[Listener] = field(default_factory=list)

    def subcommand(
        self,
        command: str,
        word: str,
        listener: Listener,
        *,
        scopes: tuple[str, ...] = (),
        staff_only: bool = False,
    ) -> None:
        """`/sip status ...` goes to the listener of ("/sip", "status"): the first word picks."""
        self._ensure_command(command)
        self.subcommands[command][word] = self._guarded(listener, staff_only, f"{command} {word}")
        self.scopes.update(scopes)

    def fallback(self, command: str, listener: Listener) -> None:
        """What answers a command whose first word no use case claimed (help, usually)."""
        self._ensure_command(command)
        self.fallbacks[command] = listener

    def _ensure_command(self, name: str) -> None:
        if name in self.commands:
            return
        self.commands.add(name)
        self.scopes.add("commands")
        self.subcommands[name] = {}

        def route(
            ack: Any,
            command: dict[str, Any],
            body: dict[str, Any],
            respond: Any,
            say: Any,
            client: Any,
            context: Any,
            logger: Any,
        ) -> Any:
            kwargs = {
                "ack": ack,
                "command": command,
                "body": body,
                "respond": respond,
                "say": say,
                "client": client,
                "context": context,
                "logger": logger,
                "payload": command,  # a staff-only subcommand's guard asks for it
            }
            word = (command.get("text") or "").strip().split(" ", 1)[0].lower()
            listener = self.subcommands[name].get(word) or self.fallbacks.get(name)
            if listener is None:
                ack()
                return None
            return call_with(listener, kwargs)

        self.app.command(name)(route)

    def event(
        self,
        name: str,
        listener: Listener,
        *,
        scopes: tuple[str, ...] = (),
        subscriptions: tuple[str, ...] = (),
    ) -> None:
        """`subscriptions` are the manifest's names when they differ from the event's
        (`message` arrives through `message.channels` and `message.groups`)."""
        self.app.event(name)(listener)
        self.events.update(subscriptions or (name,))
        self.scopes.update(scopes)

    def phrasing(self, recognise: Listener) -> None:
        self.phrasings.append(recognise)

    def action(
        self,
        action_id: str,
        listener: Listener,
        *,
        scopes: tuple[str, ...] = (),
        staff_only: bool = False,
    ) -> None:
        self.app.action(action_id)(self._guarded(listener, staff_only, action_id))
        self.actions.add(action_id)
        self.scopes.update(scopes)

    def options_for(
        self,
        action_id: str,
        listener: Listener,
        *,
        scopes: tuple[str, ...] = (),
        staff_only: bool = False,
    ) -> None:
        """The options of an `external_select` as a person types (Slack's `block_suggestion`)."""
        self.app.options(action_id)(self._guarded(listener, staff_only, action_id))
        self.options.add(action_id)
        self.scopes.update(scopes)

    def view(
        self,
        callback_id: str,
        listener: Listener,
        *,
        scopes: tuple[str, ...] = (),
        staff_only: bool = False,
    ) -> None:
        self.app.view(callback_id)(self._guarded(listener, staff_only, callback_id))
        self.views.add(callback_id)
        self.scopes.update(scopes)

    def _guarded(self, listener: Listener, staff_only: bool, what: str) -> Listener:
        if not staff_only:
            return listener
        if self.services is None:
            raise ValueError("a staff-only listener needs the registry's services")
        self.staff_only.add(what)
        from handlers.staff_only import guard  # here: staff_only imports the registry's types

        # Staff need to read the staff list: the group's members, or the staff channel's; and
        # a user's own team when the payload does not say it (users.info).
        self.scopes.update(("usergroups:read", "channels:read", "groups:read", "users:read"))
        return guard(listener, self.services, what, call_with)

    @property
    def interactive(self) -> bool:
        return bool(self.actions or self.views or self.options)


def call_with(listener: Listener, kwargs: dict[str, Any]) -> Any:
    """Call `listener` with only the arguments it names, as Bolt injects them (the router and
    the mention router hand a command's listener its arguments this way)."""
    wanted = inspect.signature(listener).parameters
    return listener(**{name: value for name, value in kwargs.items() if name in wanted})
