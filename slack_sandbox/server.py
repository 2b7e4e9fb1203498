"""HTTP plumbing: undo Slack's three wire formats and route each path to its part of the world."""

from __future__ import annotations

import contextlib
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from slack_sandbox.api_files import HttpAnswer, receive_upload, serve_download
from slack_sandbox.responses import ResponseHooks
from slack_sandbox.web_api import WebApi
from slack_sandbox.world import World

# Arguments a form or a query string carries as JSON text
JSON_ARGUMENTS = ("blocks", "attachments", "view", "files", "metadata")


class SandboxHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], world: World, api: WebApi, hooks: ResponseHooks):
        super().__init__(address, SandboxRequestHandler)
        self.world = world
        self.api = api
        self.hooks = hooks


def decode_arguments(
    query: str, body: bytes, content_type: str
) -> tuple[dict[str, Any], str, bool]:
    """(arguments, wire format, whether a `token` argument may be honoured)."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    wire = "query"
    if body and content_type.startswith("application/json"):
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise ValueError("a JSON body must be an object")
        args.update(decoded)
        return args, "json", False
    if body or content_type.startswith("application/x-www-form-urlencoded"):
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        wire = "form"
    for name in JSON_ARGUMENTS:
        if isinstance(args.get(name), str) and args[name]:
            # Text that will not parse stays text: the method answers with Slack's own error
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    return args, wire, True


class SandboxRequestHandler(BaseHTTPRequestHandler):
    server: SandboxHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the call record says what happened; stderr noise helps nobody

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        parts = urlsplit(self.path)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(segments) == 2 and segments[0] == "api":
            self._web_api(segments[1], parts.query, body)
        elif len(segments) == 2 and segments[0] == "upload" and self.command == "POST":
            self._send(receive_upload(self.server.world, segments[1], body))
        elif len(segments) in (3, 4) and segments[0] == "files" and self.command == "GET":
            attachment = len(segments) == 4
            if attachment and segments[2] != "download":
                self._send_json(404, {"ok": False, "error": "not_found"})
                return
            answer = serve_download(
                self.server.world,
                segments[1],
                segments[-1],
                self.headers.get("Authorization"),
                attachment=attachment,
            )
            self._send(answer)
        elif len(segments) == 2 and segments[0] == "response" and self.command == "POST":
            self._response_url(segments[1], parts.query, body)
        else:
            self._send_json(404, {"ok": False, "error": "not_found"})

    def _web_api(self, method: str, query: str, body: bytes) -> None:
        content_type = self.headers.get("Content-Type") or ""
        try:
            args, wire, token_in_args = decode_arguments(query, body, content_type)
        except (ValueError, UnicodeDecodeError):
            self._send_json(200, {"ok": False, "error": "invalid_json"})
            return
        token = None
        authorization = self.headers.get("Authorization") or ""
        if authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ").strip()
        supplied = args.pop("token", None)
        if token is None and token_in_args and supplied:
            token = str(supplied)
        answer = self.server.api.call(method, args, token, wire)
        self._send_json(answer.status, answer.body, answer.headers)

    def _response_url(self, hook_id: str, query: str, body: bytes) -> None:
        content_type = self.headers.get("Content-Type") or ""
        try:
            args, _, _ = decode_arguments(query, body, content_type)
        except (ValueError, UnicodeDecodeError):
            self._send_json(400, {"ok": False, "error": "invalid_payload"})
            return
        if "payload" in args and isinstance(args["payload"], str):
            args = json.loads(args.pop("payload"))
        status, answer = self.server.hooks.receive(hook_id, args)
        self._send_json(status, answer)

    def _send_json(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        encoded = json.dumps(body).encode("utf-8")
        all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        self._send(HttpAnswer(status, all_headers, encoded))

    def _send(self, answer: HttpAnswer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)
