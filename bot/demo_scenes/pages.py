"""Demo scene: the one-time pages. Dave's workspace blocks files in Slack Connect, so he sends
his bill through the upload page; his new SIP account's password is shown to him once, on a page;
a link Slack would not show him (he had left the channel) is sent again by staff."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select

from bot.demo_scenes.demo_bill import demo_bill
from bot.demo_scenes.requests import WAIT, Scene
from handlers.approvals.blocks import (
    RECIPIENT_BLOCK,
    RECIPIENT_INPUT,
    SEND_LINK_LABEL,
    SEND_LINK_VIEW,
)
from handlers.links.blocks import OPEN_CREDENTIALS_PAGE, OPEN_UPLOAD_PAGE
from slack_sandbox.threads import thread_replies
from store.models import Request, RequestKind

if TYPE_CHECKING:
    from bot.demo import Stage

Print = Callable[[str], None]


def play(stage: Stage, out: Print) -> None:
    _scene(Scene(stage, out))  # the stage's own worker runs the bill check


def _scene(s: Scene) -> None:
    w, out = s.w, s.out
    out("--- files blocked in Slack Connect: the bill through a one-time upload page ---\n")
    s.command(w.dave, w.initech_channel, "/callerid", "r2d5v7x9qk +353 1 555 0142")
    request = _request(s, RequestKind.PSTN_CALLER_ID)
    s.thread(request, "phone bill")
    ask = _message_with(s, request, OPEN_UPLOAD_PAGE)
    url = _url(ask, OPEN_UPLOAD_PAGE)
    out(f"{s.name(w.dave)} clicks [ Upload the bill ]; his browser opens {_short(url)}")
    with httpx.Client(timeout=10) as browser:
        page = browser.get(url).text
        out(_indent(_page_text(page)))
        bill = demo_bill(
            "Initech Logistics Teoranta", "(01) 555 0142", dt.date.today() - dt.timedelta(days=6)
        )
        out(f"{s.name(w.dave)} drops initech-bill.pdf on the page and presses [ Upload the bill ]")
        answer = browser.post(
            url,
            data={"csrf": _field(page, "csrf")},
            files={"bill": ("initech-bill.pdf", bill, "application/pdf")},
            headers={"Accept": "application/json"},
        ).json()
        out(_indent(f"page: {answer['message']}"))
        s.thread(request, "Bill checked")
        out(f"{s.name(w.dave)} opens the same link again")
        out(_indent(_page_text(browser.get(url).text)))

    out("--- new credentials: shown once, on a page, never in Slack ---\n")
    s.command(w.dave, w.initech_channel, "/sip", f"new {s.free_label('Loading bay')}")
    new_sip = _request(s, RequestKind.NEW_SIP_ACCOUNT)
    card = s.card(new_sip.id, lambda c: "Approve" in str(c.get("blocks")))
    s.click(w.alice, card, "Approve")
    s.state(new_sip.id, "applied")
    shown = s.sandbox.eventually(
        lambda: [
            e["message"]
            for e in s.sandbox.ephemerals(user=w.dave)
            if _url(e["message"], OPEN_CREDENTIALS_PAGE)
        ],
        WAIT,
    )
    assert shown, "no credentials link for dave"
    out(f"[{s.name(w.initech_channel)}] sipdesk (only visible to dave):")
    out(_indent(str(shown[0].get("text", "")) + "\n[ Show the password ]"))
    link = _url(shown[0], OPEN_CREDENTIALS_PAGE)
    with httpx.Client(timeout=10) as browser:
        out(f"{s.name(w.dave)} opens the link and presses [ Show the password ]")
        intro = browser.get(link).text
        page = browser.post(link, data={"csrf": _field(intro, "csrf")}).text
        # The transcript is printed: the password is masked here, as a screenshot would be.
        page = re.sub(r'(id="v-password" class="password">)[^<]+', r"\1••••••••", page)
        out(_indent(_page_text(page)))
        out(f"{s.name(w.dave)} (or anyone who finds the link later) opens it again")
        out(_indent(_page_text(browser.get(link).text)))

    out("--- credentials Slack would not show: Send the link again ---\n")
    s.command(w.dave, w.initech_channel, "/sip", f"new {s.free_label('Spare desk')}")
    lost = s.newest_request(3)
    card = s.card(lost.id, lambda c: "Approve" in str(c.get("blocks")))
    out(f"{s.name(w.dave)} leaves {s.name(w.initech_channel)} before staff decide")
    s.sandbox.leave(w.initech_channel, w.dave)
    s.click(w.alice, card, "Approve")
    s.state(lost.id, "applied")
    s.thread(lost, "Applied")
    card = s.card(lost.id, lambda c: SEND_LINK_LABEL in str(c.get("blocks")))
    out(f"{s.name(w.dave)} is back in {s.name(w.initech_channel)}")
    s.sandbox.join(w.initech_channel, w.dave)
    s.click(w.bob, card, SEND_LINK_LABEL)
    form = s.sandbox.eventually(
        lambda: (v := s.sandbox.last_view(w.bob)) and v["callback_id"] == SEND_LINK_VIEW and v,
        WAIT,
    )
    assert form, "no form to choose who gets the link"
    out(f"a form asks whom to send it to (the requester first); {s.name(w.bob)} presses [ Send ]")
    s.slack.view_submission(
        SEND_LINK_VIEW,
        {RECIPIENT_BLOCK: {RECIPIENT_INPUT: {"type": "users_select", "selected_user": w.dave}}},
        user=w.bob,
        view_id=form["id"],
    )
    s.thread(lost, "new one-time link")
    label = str(lost.details["label"])
    again = s.sandbox.eventually(
        lambda: [
            e["message"]
            for e in s.sandbox.ephemerals(user=w.dave)
            if _url(e["message"], OPEN_CREDENTIALS_PAGE) and label in str(e["message"]["text"])
        ],
        WAIT,
    )
    assert again, "no new credentials link for dave"
    out(f"[{s.name(w.initech_channel)}] sipdesk (only visible to dave):")
    out(_indent(str(again[-1].get("text", "")) + "\n[ Show the password ]"))


def _request(s: Scene, kind: RequestKind) -> Request:
    def find() -> Request | None:
        with s.stage.runtime.db.session() as session:
            return session.scalar(
                select(Request)
                .where(Request.channel_id == s.w.initech_channel, Request.kind == kind)
                .where(Request.customer_message_ts.is_not(None))
                .order_by(Request.id.desc())
            )

    found = s.sandbox.eventually(find, WAIT)
    assert found is not None, f"dave's {kind.value} request never appeared"
    return found


def _message_with(s: Scene, request: Request, action_id: str) -> dict[str, Any]:
    replies = thread_replies(s.sandbox, request.channel_id, str(request.customer_message_ts))
    found = [m for m in replies if _url(m, action_id)]
    assert found, f"no {action_id} button in the thread"
    return found[-1]


def _url(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks", []) or []:
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return str(element["url"])
    return ""


def _short(url: str) -> str:
    head, _, token = url.rpartition("/")
    return f"{head}/{token[:6]}…"


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found, f"no {name} field on the page"
    return found[1]


def _page_text(page: str) -> str:
    """The page's main content as a person reads it: headings, facts, messages, list items."""
    main = page.split('<main id="main">', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|form)\b.*?</\1>", "", main, flags=re.S)
    lines: list[str] = []
    for tag, inner in re.findall(r"<(h1|h2|dt|dd|p|li)\b[^>]*>(.*?)</\1>", main, flags=re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        text = re.sub(r"\s*Copy( the password)?$", "", text)
        if not text:
            continue
        if tag == "dd" and lines:
            lines[-1] = f"{lines[-1]}: {text}"
        else:
            lines.append({"h1": "# ", "h2": "## ", "li": "- "}.get(tag, "") + text)
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()) + "\n"
