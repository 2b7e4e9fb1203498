"""The pages in a real browser (headless Chromium): Carol uploads her bill through the page and
the request's thread hears of it; every refusal is a sentence on the page; new credentials are
shown once and never again."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from browser import headless_chromium, wait_for
from pages_world import (
    PagesBot,
    bill_request,
    blocks_text,
    button_url,
    evidence_count,
    globex_bill,
    thread_replies,
)
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from handlers.links import issue_credentials_link, issue_upload_link
from handlers.links.blocks import OPEN_UPLOAD_PAGE
from store import links
from store.links import Credentials
from store.models import LinkKind, Request
from store.types import utcnow

# Set to a folder (e.g. docs) to keep the screenshots the README shows.
SCREENSHOTS = os.environ.get("SIPDESK_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = headless_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: WebDriver, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    driver.find_element(By.TAG_NAME, "body").screenshot(str(shot))
    assert shot.stat().st_size > 0
    if SCREENSHOTS:
        shutil.copy(shot, Path(SCREENSHOTS) / name)


def _outcome(driver: WebDriver) -> str:
    return wait_for(driver, lambda d: d.find_element(By.ID, "outcome").text)


def _choose(driver: WebDriver, path: Path) -> None:
    driver.find_element(By.ID, "bill").send_keys(str(path))


def test_carol_uploads_her_bill_through_the_page_and_staff_see_its_checks(
    pages_bot: PagesBot, browser: WebDriver, tmp_path: Path
):
    w = pages_bot.world
    pages_bot.slack.slash_command(
        "/callerid", "k3x9q2m7ab +353 1 234 5699", user=w.carol, channel=w.globex_channel
    )
    ask = pages_bot.sandbox.eventually(
        lambda: [
            m
            for m in pages_bot.sandbox.messages(w.globex_channel)
            if button_url(m, OPEN_UPLOAD_PAGE)
        ]
    )
    assert ask, "the bot asks for a bill and offers the upload page"
    assert "Can't share files here?" in blocks_text(ask[0])
    url = button_url(ask[0], OPEN_UPLOAD_PAGE)
    assert url is not None and url.startswith(f"{pages_bot.url}/links/upload/")
    with pages_bot.runtime.db.session() as session:
        request_id = session.scalars(select(Request.id)).one()
    bill = tmp_path / "globex-bill-november.pdf"
    bill.write_bytes(globex_bill())

    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "h1").text == (
        f"Upload a phone bill for request #{request_id}"
    )
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "Globex Dental" in facts and "Reception desk" in facts and "+353 1 234 5699" in facts
    assert "Carol" not in browser.page_source  # never the requester's own details
    assert "What a good bill shows" in browser.page_source
    label = browser.find_element(By.CSS_SELECTOR, "label[for=bill]")  # the picker is labelled
    assert "PDF, JPEG, PNG, HEIC or WebP" in label.text
    _choose(browser, bill)
    assert "globex-bill-november.pdf" in browser.find_element(By.ID, "chosen").text
    _screenshot(browser, tmp_path, "upload-page.png")

    browser.find_element(By.ID, "send").click()
    assert "We have globex-bill-november.pdf" in _outcome(browser)
    assert browser.find_element(By.ID, "progress").get_attribute("value") == "100"
    assert evidence_count(pages_bot) == 1
    heard = pages_bot.sandbox.eventually(
        lambda: [t for t in thread_replies(pages_bot, request_id) if "globex-bill" in t]
    )
    assert heard and "checking the bill" in heard[0]

    # The worker reads the bill; the staff card carries its checks.
    card = pages_bot.sandbox.eventually(
        lambda: [m for m in pages_bot.sandbox.messages(w.staff_channel) if "✅" in blocks_text(m)],
        seconds=60,
    )
    assert card, "a staff card with the bill's checks"
    checks = blocks_text(card[0])
    assert "billed as a line" in checks and "Globex Dental Care Limited" in checks

    browser.get(url)  # the second use of the link
    assert "already used to upload a bill on" in browser.find_element(By.TAG_NAME, "main").text


def test_a_dropped_file_of_the_wrong_type_or_size_gets_its_sentence_and_is_not_sent(
    pages_bot: PagesBot, browser: WebDriver, tmp_path: Path
):
    request_id = bill_request(pages_bot)
    browser.get(issue_upload_link(pages_bot.runtime.services, request_id))
    # By keyboard alone: Tab reaches the file picker, then the upload button.
    reached = []
    for _ in range(4):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(browser.switch_to.active_element.get_attribute("id"))
    assert reached.index("bill") < reached.index("send")
    for field in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), progress"):
        name = field.get_attribute("id")
        assert browser.find_elements(By.CSS_SELECTOR, f"label[for={name}]"), f"{name} labelled"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a bill")
    _choose(browser, notes)
    browser.find_element(By.ID, "send").click()
    assert "Only a PDF, JPEG, PNG, HEIC or WebP can be uploaded" in _outcome(browser)
    _screenshot(browser, tmp_path, "upload-refused.png")

    # Dropped onto the box: an 11 MB "PDF", refused by the page before a byte is sent.
    browser.execute_script(
        """
        const big = new File([new Uint8Array(11 * 1024 * 1024)], "huge-bill.pdf",
                             {type: "application/pdf"});
        const data = new DataTransfer();
        data.items.add(big);
        document.getElementById("drop").dispatchEvent(
            new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        """
    )
    assert "huge-bill.pdf" in browser.find_element(By.ID, "chosen").text
    browser.find_element(By.ID, "send").click()
    assert "the limit is 10.0 MB" in _outcome(browser)
    assert evidence_count(pages_bot) == 0


def test_the_server_refuses_what_slips_past_the_page_and_says_so_on_it(
    pages_bot: PagesBot, browser: WebDriver, tmp_path: Path
):
    request_id = bill_request(pages_bot)
    browser.get(issue_upload_link(pages_bot.runtime.services, request_id))
    fake = tmp_path / "bill.pdf"  # the right name, but not a PDF inside
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    _choose(browser, fake)
    browser.find_element(By.ID, "send").click()
    assert "this file is none of these" in _outcome(browser)
    assert evidence_count(pages_bot) == 0


def test_an_expired_link_says_so(pages_bot: PagesBot, browser: WebDriver):
    request_id = bill_request(pages_bot)
    with pages_bot.runtime.db.session() as session:
        token = links.issue(
            session, request_id, LinkKind.UPLOAD, now=utcnow() - timedelta(hours=25)
        )
    browser.get(f"{pages_bot.url}/links/upload/{token}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Link expired"
    assert "This upload link has expired" in browser.find_element(By.TAG_NAME, "main").text


def test_new_credentials_are_shown_once_with_a_copy_button_and_never_again(
    pages_bot: PagesBot, browser: WebDriver, tmp_path: Path
):
    request_id = bill_request(pages_bot)
    password = "Tq8vN2xK5mR7wZ3pL9sA"
    url = issue_credentials_link(
        pages_bot.runtime.services,
        request_id,
        Credentials(domain="sip.example.net", username="n8w2k5q7zd", password=password),
    )
    browser.get(url)
    assert password not in browser.page_source
    browser.find_element(By.ID, "reveal").click()
    shown = wait_for(browser, lambda d: d.find_element(By.ID, "v-password"))
    assert shown.text == password
    assert browser.find_element(By.ID, "v-user").text == "n8w2k5q7zd"
    assert browser.find_element(By.ID, "v-domain").text == "sip.example.net"
    assert "What to enter in the phone" in browser.page_source
    browser.find_element(By.ID, "copy-password").click()
    assert wait_for(browser, lambda d: d.find_element(By.ID, "copied").text)
    _screenshot(browser, tmp_path, "credentials-page.png")

    browser.get(url)  # a second visit, or anyone who finds the link later
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "already viewed on" in main and password not in browser.page_source
    browser.back()
    browser.refresh()  # re-posting the reveal form shows nothing either
    assert password not in browser.page_source
