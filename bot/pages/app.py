"""The pages' WSGI app: `/links/upload/<token>`, `/links/credentials/<token>`, `/links/static/*`.

Each request is throttled per address and per link, then answered with a whole page (or, for the
upload page's script, a small JSON answer); every refusal is a sentence and stores nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol
from urllib.parse import parse_qs

import phonenumbers

from bot.pages import render
from bot.pages.bills import MAX_BILL_BYTES, BillRefused, accept_bill
from bot.pages.guards import CSRF_FIELD, Csrf, Headers, PageThrottles, client_address
from bot.pages.guards import security_headers as secure
from bot.pages.multipart import FormRefused, parse
from handlers.notify import Notifier
from handlers.request_facts import load_facts
from handlers.services import Services
from store import links
from store.errors import UserFacingError
from store.evidence import has_source
from store.links import LinkRefused, OpenLink
from store.models import LinkKind, RequestKind, RequestState

log = logging.getLogger(__name__)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
PREFIX = "/links/"
_ROUTE = re.compile(r"/links/(upload|credentials)/(.{0,200})", re.DOTALL)
_STATIC = {"pages.css": "text/css; charset=utf-8", "pages.js": "text/javascript; charset=utf-8"}
# The form's own fields around the file: a few KiB of headers and the anti-forgery token.
_FORM_OVERHEAD = 64 * 1024
MAX_BODY_BYTES = MAX_BILL_BYTES + _FORM_OVERHEAD
_SORRY = "Sorry, something went wrong on our side. Please try again in a few minutes."


class ReceiveBill(Protocol):
    def __call__(
        self,
        services: Services,
        notifier: Notifier,
        request_id: int,
        *,
        filename: str,
        mimetype: str | None,
        content: bytes,
        source: str,
    ) -> int: ...


@dataclass
class Answer:
    status: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: Headers = field(default_factory=list)


class PagesApp:
    """The one-time pages, as a WSGI app that `bot.web` and the Socket Mode server both serve."""

    def __init__(
        self,
        services: Services,
        notifier: Notifier,
        receive_bill: ReceiveBill,
        *,
        throttles: PageThrottles | None = None,
    ) -> None:
        self._services = services
        self._notifier = notifier
        self._receive_bill = receive_bill
        self._throttles = throttles or PageThrottles.build(services.redis, services.redis_prefix)
        self._csrf = Csrf(services.redis, services.redis_prefix, services.public_url)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            answer = self._answer(environ)
        except Exception:
            log.exception("pages: %s failed", environ.get("PATH_INFO"))
            answer = self._say(environ, "500 Internal Server Error", "Something went wrong", _SORRY)
        static = answer.content_type.startswith(("text/css", "text/javascript"))
        headers = [
            ("Content-Type", answer.content_type),
            ("Content-Length", str(len(answer.body))),
            *secure(no_store=not static),
            *answer.headers,
        ]
        start_response(answer.status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else answer.body]

    def _answer(self, environ: Environ) -> Answer:
        path = str(environ.get("PATH_INFO") or "")
        method = str(environ.get("REQUEST_METHOD") or "GET")
        if path.startswith(render.STATIC) and method in ("GET", "HEAD"):
            return _static(path.removeprefix(render.STATIC))
        route = _ROUTE.fullmatch(path)
        if route is None:
            return self._say(environ, "404 Not Found", "Page not found", "There is no such page.")
        kind, token = LinkKind(route[1]), route[2]
        try:
            allowed = self._throttles.per_address.allow(client_address(environ)) and (
                self._throttles.per_token.allow(links.token_hash(token)[:32])
            )
        except Exception:  # Redis down: fail closed, the page is not worth an open door
            log.warning("pages: throttle unavailable", exc_info=True)
            return self._say(environ, "503 Service Unavailable", "Try again soon", _SORRY)
        if not allowed:
            return self._say(
                environ,
                "429 Too Many Requests",
                "Too many attempts",
                "Too many attempts from here in a short time. Wait ten minutes and try again.",
            )
        if method in ("GET", "HEAD"):
            return self._show(environ, kind, token)
        if method == "POST":
            if kind is LinkKind.UPLOAD:
                return self._upload(environ, token)
            return self._reveal(environ, token)
        return Answer("405 Method Not Allowed", b"", headers=[("Allow", "GET, HEAD, POST")])

    def _show(self, environ: Environ, kind: LinkKind, token: str) -> Answer:
        try:
            with self._services.db.session() as session:
                link = links.open_link(session, token, kind)
                facts = load_facts(session, link.request_id)
        except LinkRefused as refused:
            return self._refused(environ, kind, refused)
        if kind is LinkKind.UPLOAD and facts.state is not RequestState.AWAITING_CUSTOMER:
            sentence = f"Request #{link.request_id} is not waiting for a bill any more"
            if facts.state is RequestState.CHECKING_EVIDENCE:
                sentence = f"Request #{link.request_id} is having the bill it got checked"
            return self._say(
                environ,
                "409 Conflict",
                "No bill needed now",
                f"{sentence}: its thread in Slack says where it stands.",
            )
        csrf = self._csrf.token_for(links.token_hash(token))
        cookie = self._csrf.cookie(csrf, str(environ.get("PATH_INFO")))
        if kind is LinkKind.CREDENTIALS:
            body = render.credentials_intro(
                link.request_id, facts.customer_name, csrf, _heading(facts.kind)
            )
        else:
            number = facts.details.get("number")
            summary = render.RequestSummary(
                link.request_id,
                facts.customer_name,
                facts.account,
                _readable(str(number)) if number else None,
            )
            body = render.upload_form(summary, csrf)
        return Answer("200 OK", body, headers=[cookie])

    def _upload(self, environ: Environ, token: str) -> Answer:
        title = "Bill not uploaded"
        try:
            with self._services.db.session() as session:
                link = links.open_link(session, token, LinkKind.UPLOAD)
            length = _content_length(environ)
            if length > MAX_BODY_BYTES:  # refused before a byte of the body is read
                return self._say(environ, "413 Content Too Large", title, _too_large())
            body = environ["wsgi.input"].read(length) if length else b""
            form = parse(str(environ.get("CONTENT_TYPE") or ""), body, file_field="bill")
            if not self._csrf.verify(environ, links.token_hash(token), form.fields.get(CSRF_FIELD)):
                return self._say(environ, "403 Forbidden", title, _stale_page())
            bill = accept_bill(form.filename or "", form.file or b"")
        except LinkRefused as refused:
            return self._refused(environ, LinkKind.UPLOAD, refused)
        except (FormRefused, BillRefused) as refused:
            return self._say(environ, "422 Unprocessable Content", title, refused.message)
        return self._store(environ, link, bill.filename, bill.mimetype, bill.content)

    def _store(
        self, environ: Environ, link: OpenLink, filename: str, mimetype: str, content: bytes
    ) -> Answer:
        title = "Bill not uploaded"
        try:
            with self._services.db.session() as session:
                links.claim(session, link)
        except LinkRefused as refused:
            return self._refused(environ, LinkKind.UPLOAD, refused)
        try:
            self._receive_bill(
                self._services,
                self._notifier,
                link.request_id,
                filename=filename,
                mimetype=mimetype,
                content=content,
                source=_source(link),
            )
        except UserFacingError as refused:
            self._give_back(link)
            return self._say(environ, "409 Conflict", title, refused.message)
        except Exception:
            # A stored bill is never answered with an error, and its link stays used.
            if not self._stored(link):
                self._give_back(link)
                raise
            log.warning("pages: bill of request #%s stored, then", link.request_id, exc_info=True)
        return self._say(
            environ,
            "200 OK",
            "Thank you: we have your bill",
            f"We have {filename} for request #{link.request_id}. The request's thread in Slack "
            "says what happens next; you can close this page.",
            ok=True,
        )

    def _stored(self, link: OpenLink) -> bool:
        with self._services.db.session() as session:
            return has_source(session, link.request_id, _source(link))

    def _give_back(self, link: OpenLink) -> None:
        with self._services.db.session() as session:
            links.release(session, link)

    def _reveal(self, environ: Environ, token: str) -> Answer:
        title = "Credentials not shown"
        try:
            with self._services.db.session() as session:
                link = links.open_link(session, token, LinkKind.CREDENTIALS)
                heading = _heading(load_facts(session, link.request_id).kind)
            length = _content_length(environ)
            if length > 4096:
                return self._say(environ, "413 Content Too Large", title, _stale_page())
            sent = _urlencoded_field(environ["wsgi.input"].read(length), CSRF_FIELD)
            if not self._csrf.verify(environ, links.token_hash(token), sent):
                return self._say(environ, "403 Forbidden", title, _stale_page())
            with self._services.db.session() as session:
                credentials = links.reveal(session, token)
        except LinkRefused as refused:
            return self._refused(environ, LinkKind.CREDENTIALS, refused)
        except FormRefused:
            return self._say(environ, "400 Bad Request", title, _stale_page())
        return Answer("200 OK", render.credentials_shown(credentials, heading))

    def _refused(self, environ: Environ, kind: LinkKind, refused: LinkRefused) -> Answer:
        status = "404 Not Found" if refused.reason == "unknown" else "410 Gone"
        if kind is LinkKind.CREDENTIALS and refused.reason == "used":
            title = "Already viewed"
        elif refused.reason == "used":
            title = "Link already used"
        elif refused.reason == "expired":
            title = "Link expired"
        else:
            title = "Link not valid"
        return self._say(environ, status, title, refused.message)

    def _say(
        self, environ: Environ, status: str, title: str, sentence: str, *, ok: bool = False
    ) -> Answer:
        if "application/json" in str(environ.get("HTTP_ACCEPT") or ""):
            body = json.dumps({"ok": ok, "title": title, "message": sentence}).encode()
            return Answer(status, body, "application/json")
        return Answer(status, render.message(title, sentence, ok=ok))


def _source(link: OpenLink) -> str:
    return f"web:{link.id}"


def _static(name: str) -> Answer:
    content_type = _STATIC.get(name)
    if content_type is None:
        return Answer("404 Not Found", b"", "text/plain; charset=utf-8")
    body = resources.files("bot.pages").joinpath("static", name).read_bytes()
    return Answer("200 OK", body, content_type, [("Cache-Control", "public, max-age=3600")])


def _readable(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _content_length(environ: Environ) -> int:
    raw = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not raw.isdigit():
        raise FormRefused("That upload did not come from this page. Reload the page and try again.")
    return int(raw)


def _urlencoded_field(body: bytes, name: str) -> str | None:
    try:
        values = parse_qs(body.decode("ascii", "replace"), max_num_fields=4).get(name)
    except ValueError:  # more fields than our form has
        return None
    return values[0] if values else None


def _too_large() -> str:
    return (
        f"That file is larger than the {MAX_BILL_BYTES // (1024 * 1024)} MB limit. Export the "
        "bill's first pages as a PDF, or take a photo of it, and upload that."
    )


def _stale_page() -> str:
    return "This page has gone stale or was not opened from your link. Reload it and try again."


def _heading(kind: RequestKind) -> str:
    """A reset's page says what it is: a new password, not a new account."""
    return render.NEW_PASSWORD if kind is RequestKind.PASSWORD_RESET else render.NEW_ACCOUNT
