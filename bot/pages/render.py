"""The pages' HTML: plain server-rendered markup from templates/, every value escaped, no
inline script (the CSP allows only our own static files)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template

from bot.pages.bills import ACCEPT, MAX_BILL_BYTES
from ocr_checks.formats import ACCEPTED_NAMES
from store.links import Credentials

STATIC = "/links/static/"


@dataclass(frozen=True)
class RequestSummary:
    """What the upload page says about the request: never the requester's own details."""

    request_id: int
    customer: str
    sip_account: str | None
    number: str | None


@cache
def _template(name: str) -> Template:
    return Template(resources.files("bot.pages").joinpath("templates", name).read_text("utf-8"))


def _fill(name: str, **values: object) -> str:
    # Every value is escaped here, except the already-rendered `body` and `facts`.
    safe = {k: v if k in ("body", "facts") else escape(str(v)) for k, v in values.items()}
    return _template(name).substitute(safe)


def page(title: str, body: str) -> bytes:
    return _fill("page.html", title=title, body=body).encode()


def message(title: str, sentence: str, *, ok: bool) -> bytes:
    body = _fill(
        "message.html",
        title=title,
        sentence=sentence,
        kind="ok" if ok else "refused",
        role="status" if ok else "alert",
    )
    return page(title, body)


def upload_form(summary: RequestSummary, csrf: str) -> bytes:
    rows = [("Customer", summary.customer)]
    if summary.sip_account:
        rows.append(("SIP account", summary.sip_account))
    if summary.number:
        rows.append(("Number to show as caller ID", summary.number))
    facts = "\n".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    body = _fill(
        "upload.html",
        request_id=summary.request_id,
        facts=facts,
        number=summary.number or "the number",
        max_bytes=MAX_BILL_BYTES,
        limit_mb=MAX_BILL_BYTES // (1024 * 1024),
        accept=ACCEPT,
        kinds=ACCEPTED_NAMES,
        csrf=csrf,
    )
    return page(f"Upload a bill for request #{summary.request_id}", body)


def credentials_intro(request_id: int, customer: str, csrf: str) -> bytes:
    body = _fill("credentials_intro.html", request_id=request_id, customer=customer, csrf=csrf)
    return page("Your new SIP account", body)


def credentials_shown(credentials: Credentials) -> bytes:
    body = _fill(
        "credentials.html",
        domain=credentials.domain,
        username=credentials.username,
        password=credentials.password,
    )
    return page("Your new SIP account", body)
