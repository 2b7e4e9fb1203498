"""The pages over plain HTTP, as any client (or attacker) sees them: what they say, what they
store, and what they refuse."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlparse

import httpx
from pages_world import (
    NEW_NUMBER,
    PagesBot,
    bill_request,
    blocks_text,
    button_url,
    csrf_of,
    evidence_count,
    globex_bill,
    thread_replies,
)
from PIL import Image
from sqlalchemy import select

from handlers.approvals.flow import send_to_staff
from handlers.links import issue_credentials_link, issue_upload_link
from handlers.links.blocks import OPEN_CREDENTIALS_PAGE
from handlers.notifiers import slack_notifier
from store import requests
from store.links import Credentials
from store.models import Customer, RequestKind, RequestState, SipAccount
from telephony.credentials import verify_password

JSON = {"Accept": "application/json"}


def _button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) or []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button")


def _upload(
    client: httpx.Client, url: str, name: str, content: bytes, mimetype: str = "application/pdf"
) -> httpx.Response:
    csrf = csrf_of(client.get(url).text)
    return client.post(
        url, data={"csrf": csrf}, files={"bill": (name, content, mimetype)}, headers=JSON
    )


def test_a_bill_posted_by_a_plain_form_joins_the_request_and_its_thread_hears(
    pages_bot: PagesBot,
):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    with httpx.Client() as client:
        page = client.get(url)
        assert page.status_code == 200
        assert "Globex Dental" in page.text and "+353 1 234 5699" in page.text
        assert "Carol" not in page.text  # never the requester's own details
        answer = client.post(
            url,
            data={"csrf": csrf_of(page.text)},
            files={"bill": ("bill.pdf", globex_bill(), "application/pdf")},
        )
    assert answer.status_code == 200
    assert "We have bill.pdf for request" in answer.text
    assert evidence_count(pages_bot) == 1
    heard = pages_bot.sandbox.eventually(
        lambda: [t for t in thread_replies(pages_bot, request_id) if "bill.pdf" in t]
    )
    assert heard, "the request's thread hears of the bill"


def test_a_forged_token_opens_nothing_and_stores_nothing(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    real = issue_upload_link(pages_bot.runtime.services, request_id)
    base = real.rsplit("/", 1)[0]
    forged = [f"{base}/{'A' * 43}", f"{base}/{real.rsplit('/', 1)[1][:-2]}xy", f"{base}/..%2f.env"]
    with httpx.Client() as client:
        csrf = csrf_of(client.get(real).text)
        for url in forged:
            seen = client.get(url)
            assert seen.status_code == 404
            assert "This link is not valid" in seen.text
            posted = client.post(
                url,
                data={"csrf": csrf},
                files={"bill": ("bill.pdf", globex_bill(), "application/pdf")},
                headers=JSON,
            )
            assert posted.status_code == 404 and not posted.json()["ok"]
    assert evidence_count(pages_bot) == 0


def test_a_replayed_link_is_refused_with_when_it_was_used(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    with httpx.Client() as client:
        assert _upload(client, url, "bill.pdf", globex_bill()).json()["ok"]
        csrf = client.cookies.get("sipdesk_csrf")
        again = client.post(
            url,
            data={"csrf": csrf or ""},
            files={"bill": ("bill.pdf", globex_bill(), "application/pdf")},
            headers=JSON,
        )
        assert again.status_code == 410
        assert "already used to upload a bill on" in again.json()["message"]
        assert "already used" in client.get(url).text
    assert evidence_count(pages_bot) == 1


def test_a_request_that_no_longer_waits_for_a_bill_says_so_and_takes_none(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    with httpx.Client() as client:
        csrf = csrf_of(client.get(url).text)
        with pages_bot.runtime.db.session() as session:
            requests.transition(session, request_id, RequestState.CANCELLED, actor="U1")
        page = client.get(url)
        assert page.status_code == 409
        assert f"Request #{request_id} is not waiting for a bill any more" in page.text
        answer = client.post(
            url,
            data={"csrf": csrf},
            files={"bill": ("bill.pdf", globex_bill(), "application/pdf")},
            headers=JSON,
        )
        assert answer.status_code == 409 and not answer.json()["ok"]
    assert evidence_count(pages_bot) == 0


def test_an_upload_without_the_pages_anti_forgery_token_is_refused(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    bill = {"bill": ("bill.pdf", globex_bill(), "application/pdf")}
    with httpx.Client() as client:
        csrf = csrf_of(client.get(url).text)
        assert client.post(url, files=bill, headers=JSON).status_code == 403
        assert (
            client.post(url, data={"csrf": "x" * 43}, files=bill, headers=JSON).status_code == 403
        )
        cross_site = {**JSON, "Sec-Fetch-Site": "cross-site"}
        assert (
            client.post(url, data={"csrf": csrf}, files=bill, headers=cross_site).status_code == 403
        )
    with httpx.Client() as stranger:  # the token without the cookie it was handed with
        answer = stranger.post(url, data={"csrf": csrf}, files=bill, headers=JSON)
        assert answer.status_code == 403
        assert "Reload it and try again" in answer.json()["message"]
    assert evidence_count(pages_bot) == 0
    with httpx.Client() as client:  # the link is still good for the real page
        assert _upload(client, url, "bill.pdf", globex_bill()).json()["ok"]


def test_wrong_types_and_oversized_files_are_refused_by_the_server_too(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    pdf = globex_bill()
    with httpx.Client() as client:
        cases = [
            ("notes.txt", b"just some text", "text/plain", "Only a PDF, JPEG, PNG, HEIC or WebP"),
            (
                "bill.pdf",
                b"MZ\x90\x00 an executable",
                "application/pdf",
                "Only a PDF, JPEG, PNG, HEIC or WebP",
            ),
            (
                "bill.png",
                pdf,
                "image/png",
                "Only a PDF, JPEG, PNG, HEIC or WebP",
            ),  # name and bytes disagree
            ("bill.pdf", b"", "application/pdf", "That file is empty"),
            (
                "bill.pdf",
                pdf + b"\0" * (10 * 1024 * 1024),
                "application/pdf",
                "the limit is 10.0 MB",
            ),
        ]
        for name, content, mimetype, sentence in cases:
            answer = _upload(client, url, name, content, mimetype)
            assert answer.status_code == 422, name
            assert sentence in answer.json()["message"]
        too_big = _upload(client, url, "bill.pdf", pdf + b"\0" * (11 * 1024 * 1024))
        assert too_big.status_code == 413
        assert "larger than the 10 MB limit" in too_big.json()["message"]
    assert evidence_count(pages_bot) == 0


def test_a_file_named_like_a_path_or_a_script_is_refused(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    pdf = globex_bill()
    names = [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\bill.pdf",
        "/var/lib/sipdesk/bill.pdf",
        "<script>alert(1)</script>.pdf",
        '"><img src=x onerror=alert(1)>.pdf',
        ".htaccess.pdf",
        "bill.pdf\r\nX-Injected: 1",
    ]
    with httpx.Client() as client:
        for name in names:
            answer = _upload(client, url, name, pdf)
            assert answer.status_code == 422, name
            assert "That file's name cannot be accepted" in answer.json()["message"]
        # the same, as the HTML page a browser without script would show: nothing echoed raw
        page = client.post(
            url,
            data={"csrf": csrf_of(client.get(url).text)},
            files={"bill": ("<script>alert(1)</script>.pdf", pdf, "application/pdf")},
        )
        assert page.status_code == 422 and "<script>alert" not in page.text
    assert evidence_count(pages_bot) == 0


def test_many_visits_to_one_link_or_from_one_address_are_throttled(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    with httpx.Client() as client:
        codes = [client.get(url).status_code for _ in range(21)]
        assert codes[:20] == [200] * 20 and codes[20] == 429
        assert "Too many attempts" in client.get(url).text
        base = url.rsplit("/", 1)[0]
        guesses = [client.get(f"{base}/{n:043d}").status_code for n in range(40)]
        assert guesses[-1] == 429  # 60 a window from one address, whatever the token


def test_new_credentials_are_shown_once_uncached_and_never_again(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    password = "Qw3rtyUiop4sdfGhjk1Z"
    url = issue_credentials_link(
        pages_bot.runtime.services,
        request_id,
        Credentials(domain="sip.example.net", username="n8w2k5q7zd", password=password),
    )
    with httpx.Client() as client:
        intro = client.get(url)
        assert intro.status_code == 200 and password not in intro.text
        assert intro.headers["cache-control"].startswith("no-store")
        shown = client.post(url, data={"csrf": csrf_of(intro.text)})
        assert shown.status_code == 200 and password in shown.text
        assert "n8w2k5q7zd" in shown.text and "sip.example.net" in shown.text
        assert shown.headers["cache-control"].startswith("no-store")
        assert shown.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in shown.headers["content-security-policy"]
        again = client.get(url)
        assert again.status_code == 410 and "already viewed on" in again.text
        replay = client.post(url, data={"csrf": csrf_of(intro.text)})
        assert replay.status_code == 410 and password not in replay.text


def test_the_pages_leave_slack_and_health_where_they_were(pages_bot: PagesBot):
    assert httpx.get(f"{pages_bot.url}/healthz").status_code == 200
    assert httpx.get(f"{pages_bot.url}/links/nowhere").status_code == 404
    assert httpx.get(f"{pages_bot.url}/links/static/pages.js").status_code == 200
    assert urlparse(issue_upload_link(pages_bot.runtime.services, bill_request(pages_bot))).path
    assert NEW_NUMBER.startswith("+353")


def test_an_approved_new_sip_account_reaches_the_requester_as_a_link_not_a_password(
    pages_bot: PagesBot,
):
    w = pages_bot.world
    with pages_bot.runtime.db.session() as session:
        customer = session.scalars(select(Customer)).one()
        request_id = requests.create(
            session,
            kind=RequestKind.NEW_SIP_ACCOUNT,
            customer_id=customer.id,
            channel_id=w.globex_channel,
            requested_by=w.carol,
            requester_team=w.globex_team,
            state=RequestState.PENDING_APPROVAL,
            details={"label": "Front desk", "mailbox": True, "path": "staff"},
        ).id
    services = pages_bot.runtime.services
    send_to_staff(services, slack_notifier(services, pages_bot.runtime.app.client), request_id)
    card = pages_bot.sandbox.eventually(lambda: pages_bot.sandbox.messages(w.staff_channel))[0]
    pages_bot.slack.block_action(
        "approval_approve",
        _button(card, "approval_approve")["value"],
        user=w.alice,
        channel=w.staff_channel,
        message_ts=card["ts"],
    )
    shown = pages_bot.sandbox.eventually(
        lambda: [
            e["message"]
            for e in pages_bot.sandbox.ephemerals(user=w.carol)
            if button_url(e["message"], OPEN_CREDENTIALS_PAGE)
        ],
        seconds=30,
    )
    assert shown, "Carol gets a link to her new credentials"
    url = button_url(shown[0], OPEN_CREDENTIALS_PAGE)
    assert url is not None
    with pages_bot.runtime.db.session() as session:
        account = session.scalars(select(SipAccount).where(SipAccount.label == "Front desk")).one()
        username, password_hash = account.username, account.password_hash
    assert username in blocks_text(shown[0])
    with httpx.Client() as client:
        intro = client.get(url)
        page = client.post(url, data={"csrf": csrf_of(intro.text)}).text
    password = re.search(r'id="v-password" class="password">([^<]+)<', page)
    assert password, "the page shows the password"
    assert password_hash is not None and verify_password(password[1], password_hash)
    every_message = str(pages_bot.sandbox.calls)  # nothing sent to Slack carried it
    assert password[1] not in every_message


def test_photos_a_phone_sends_as_heic_or_webp_are_taken(pages_bot: PagesBot):
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    webp = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(webp, format="WEBP")
    with httpx.Client() as client:
        answer = _upload(client, url, "IMG_0412.webp", webp.getvalue(), "image/webp")
        assert answer.status_code == 200, answer.text
        assert answer.json()["ok"]
    assert evidence_count(pages_bot) == 1
