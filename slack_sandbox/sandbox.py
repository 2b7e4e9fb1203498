"""The local Slack: a real HTTP server holding a small Slack world, for the demo and tests."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from slack_sandbox.api_common import ApiError
from slack_sandbox.api_files import guess_types
from slack_sandbox.api_views import settle_submission
from slack_sandbox.demo_world import DemoWorld, seed_demo_world
from slack_sandbox.readback import BotActivity
from slack_sandbox.responses import ResponseHooks
from slack_sandbox.server import SandboxHttpServer
from slack_sandbox.shapes import connect_file_stub, file_json
from slack_sandbox.slack_side import CustomerUpload
from slack_sandbox.socket_driver import SocketModeDriver
from slack_sandbox.socket_mode import SocketModeServer
from slack_sandbox.web_api import ALL_SCOPES, WebApi
from slack_sandbox.world import Channel, StoredFile, Team, User, Usergroup, World


class SlackSandbox(BotActivity):
    """Slack's Web API, file hosting, response URLs and Socket Mode on 127.0.0.1, over one world.

    The bot talks to it through `slack_sdk.WebClient(base_url=sandbox.api_url)` (and, in Socket
    Mode, a WebSocket opened with `app_token`); tests and the demo build the world with the
    `add_*` methods, drive the app (`SlackDriver`, `socket_mode`) and read back what it did.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_name: str = "Acme Voice",
        team_domain: str = "acmevoice",
        bot_name: str = "sipdesk",
        bot_token: str | None = None,
        app_token: str | None = None,
        signing_secret: str | None = None,
        trigger_ttl: float = 30.0,
    ) -> None:
        self._address = (host, port)
        self.signing_secret = signing_secret or secrets.token_hex(16)
        home = Team(f"T{secrets.token_hex(5).upper()}", team_name, team_domain)
        self.world = world = World(
            team=home,
            bot_name=bot_name,
            bot_token=bot_token or f"xoxb-sandbox-{secrets.token_hex(12)}",
        )
        world.scopes = set(ALL_SCOPES)
        world.trigger_ttl = trigger_ttl
        world.app_token = app_token or (
            f"xapp-1-{world.bot.app_id}-{secrets.randbelow(10**13)}-{secrets.token_hex(32)}"
        )
        self.api = WebApi(world)
        self.hooks = ResponseHooks(world)
        self.view_problems: list[str] = []
        self._server: SandboxHttpServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_server = SocketModeServer(world, host)
        self.socket_mode = SocketModeDriver(self, self._socket_server)

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> SlackSandbox:
        if self._server is not None:
            return self
        self._server = SandboxHttpServer(self._address, self.world, self.api, self.hooks)
        host, port = self._server.server_address[:2]
        self.world.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-sandbox",
            daemon=True,
        )
        self._thread.start()
        self._socket_server.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._socket_server.stop()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackSandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what the bot is configured with ------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self.world.base_url:
            raise RuntimeError("the Slack sandbox is not started")
        return self.world.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def bot_token(self) -> str:
        return self.world.bot.token

    @property
    def app_token(self) -> str:
        """The app-level token (`xapp-`) Socket Mode connects with."""
        return self.world.app_token

    def bot_env(self, *, socket_mode: bool = False) -> dict[str, str]:
        """The settings a bot needs to talk to this sandbox (HTTP mode, or Socket Mode)."""
        env = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_API_URL": self.api_url,
            # The sandbox serves url_private itself: the bot may send its token there.
            "SIPDESK_SLACK_FILE_HOSTS": f"127.0.0.1:{self.port}",
        }
        if socket_mode:
            env["SLACK_APP_TOKEN"] = self.app_token  # the link is authenticated: no signing
        else:
            env["SLACK_SIGNING_SECRET"] = self.signing_secret
        return env

    @property
    def bot_user_id(self) -> str:
        return self.world.bot.user_id

    @property
    def bot_id(self) -> str:
        return self.world.bot.bot_id

    @property
    def app_id(self) -> str:
        return self.world.bot.app_id

    @property
    def team_id(self) -> str:
        return self.world.bot.team_id

    # -- building the world -------------------------------------------------------------------

    def add_team(self, name: str, domain: str | None = None) -> str:
        team = Team(self.world.new_id("T"), name, domain or name.lower().replace(" ", "-"))
        with self.world.lock:
            self.world.teams[team.id] = team
        return team.id

    def add_user(
        self,
        name: str,
        *,
        team_id: str | None = None,
        real_name: str | None = None,
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str = "",
    ) -> str:
        """A person (or another bot); in the provider's workspace unless `team_id` says else."""
        team = team_id or self.team_id
        if team not in self.world.teams:
            raise ValueError(f"no team {team} in the sandbox")
        user = User(
            self.world.new_id("U"),
            team,
            name,
            real_name or name.title(),
            is_bot=is_bot,
            is_admin=is_admin,
            deleted=deleted,
            email=email or f"{name}@{self.world.teams[team].domain}.example",
        )
        with self.world.lock:
            self.world.users[user.id] = user
        return user.id

    def add_channel(
        self,
        name: str,
        *,
        members: Iterable[str] = (),
        is_private: bool = False,
        shared_with_team: str | None = None,
        bot_is_member: bool = True,
    ) -> str:
        """A channel; `shared_with_team` makes it a Slack Connect channel with that customer."""
        people = list(members)
        if bot_is_member:
            people.insert(0, self.bot_user_id)
        channel = Channel(
            id=self.world.new_id("C"),
            name=name,
            team_id=self.team_id,
            is_private=is_private,
            is_ext_shared=shared_with_team is not None,
            connected_team_ids=[self.team_id]
            + ([shared_with_team] if shared_with_team is not None else []),
            members=people,
        )
        with self.world.lock:
            self.world.channels[channel.id] = channel
            self.world.history[channel.id] = []
        return channel.id

    def join(self, channel: str, user: str) -> None:
        with self.world.lock:
            members = self.world.channels[channel].members
            if user not in members:
                members.append(user)

    def leave(self, channel: str, user: str) -> None:
        with self.world.lock:
            members = self.world.channels[channel].members
            if user in members:
                members.remove(user)

    def add_usergroup(
        self, handle: str, users: Iterable[str], *, team_id: str | None = None, name: str = ""
    ) -> str:
        group = Usergroup(
            self.world.new_id("S"), handle, team_id or self.team_id, name or handle, list(users)
        )
        with self.world.lock:
            self.world.usergroups[group.id] = group
        return group.id

    def seed_demo_world(self) -> DemoWorld:
        """A provider with two staff, two Slack Connect customers and their channels."""
        return seed_demo_world(self)

    def revoke_scope(self, scope: str) -> None:
        """The app loses a scope: methods needing it answer `missing_scope`."""
        with self.world.lock:
            self.world.scopes.discard(scope)

    def fail_next(
        self,
        method: str,
        *,
        error: str = "ratelimited",
        retry_after: int = 1,
        times: int = 1,
        status: int | None = None,
    ) -> None:
        """The next `times` calls of `method` fail; "ratelimited" answers HTTP 429 + Retry-After."""
        self.api.fail_next(method, error=error, retry_after=retry_after, times=times, status=status)

    def fail_at_random(self, rate: float, *, seed: int) -> None:
        """Each Web API call (but auth.test) fails with probability `rate`, a 429 or an error."""
        self.api.fail_at_random(rate, seed=seed)

    # -- what people do in Slack --------------------------------------------------------------

    def say(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A person writes in a channel; returns the `message` event Slack would send."""
        with self.world.lock:
            event = self._person_message(user, channel, text, thread_ts)
        return event

    def upload_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        *,
        title: str | None = None,
        comment: str = "",
    ) -> CustomerUpload:
        """A person shares a file in a channel, as a customer uploads a phone bill."""
        world = self.world
        kind, filetype = guess_types(name, mimetype)
        with world.lock:
            stored = StoredFile(
                id=world.new_id("F"),
                name=name,
                title=title or name,
                mimetype=kind,
                filetype=filetype,
                user=user,
                content=content,
                channels=[channel],
            )
            world.files[stored.id] = stored
            uploader = world.users[user]
            shown: dict[str, Any] = file_json(world, stored)
            if world.channels[channel].is_ext_shared and uploader.team_id != self.team_id:
                shown = connect_file_stub(stored)
            message = self._person_message(user, channel, comment, None)
            message.update({"subtype": "file_share", "files": [shown], "upload": True})
            shared = {
                "type": "file_shared",
                "file_id": stored.id,
                "user_id": user,
                "file": {"id": stored.id},
                "channel_id": channel,
                "event_ts": world.new_ts(),
            }
        return CustomerUpload(stored.id, dict(message), shared)

    def _person_message(
        self, user: str, channel: str, text: str, thread_ts: str | None
    ) -> dict[str, Any]:
        world = self.world
        person = world.users[user]
        if user not in world.channels[channel].members:
            raise ValueError(f"{person.name} is not in channel {channel}")
        ts = world.new_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": user,
            "team": person.team_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel": channel,
            "channel_type": "im" if world.channels[channel].is_im else "channel",
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        world.history.setdefault(channel, []).append(message)
        return message

    # -- what the driver needs ----------------------------------------------------------------

    def issue_trigger_id(self, user: str) -> str:
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        with self.world.lock:
            self.world.triggers[trigger_id] = (user, time.monotonic())
        return trigger_id

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        return self.hooks.new_url(channel, user, message_ts)

    def settle_view_submission(self, view_id: str, values: dict[str, Any], ack: Any) -> None:
        """Slack acts on the app's answer to a submission: close, update, push or show errors."""
        with self.world.lock:
            try:
                settle_submission(self.world, view_id, values, ack)
            except ApiError as refusal:
                self.view_problems.append(f"{view_id}: {refusal.error} {refusal.extra}")
