"""A customer's bill reaches the bot as Slack Connect delivers it, and downloads need the token."""

from __future__ import annotations

import httpx
from slack_sdk import WebClient

from slack_sandbox import DemoWorld, SlackSandbox

BILL = b"%PDF-1.4\n% a phone bill for +44 20 7946 0018\n"


def test_a_customers_file_in_a_shared_channel_is_announced_without_its_details(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    upload = sandbox.upload_file(
        world.carol, world.globex_channel, "bill-march.pdf", BILL, "application/pdf"
    )
    announced = upload.message_event["files"][0]
    assert upload.message_event["subtype"] == "file_share"
    assert upload.message_event["user"] == world.carol
    assert announced == {
        "id": upload.file_id,
        "mode": "file_access",
        "file_access": "check_file_info",
        "created": 0,
        "timestamp": 0,
        "user": "",
    }
    assert upload.file_shared_event["file_id"] == upload.file_id

    full = client.files_info(file=upload.file_id)["file"]
    assert full["name"] == "bill-march.pdf"
    assert full["mimetype"] == "application/pdf"
    assert full["user"] == world.carol
    assert full["size"] == len(BILL)
    assert full["url_private_download"].startswith(sandbox.base_url)


def test_a_staff_members_file_is_announced_in_full(sandbox: SlackSandbox, world: DemoWorld):
    upload = sandbox.upload_file(world.alice, world.staff_channel, "notes.txt", b"checked")
    announced = upload.message_event["files"][0]
    assert announced["id"] == upload.file_id
    assert announced["mimetype"] == "text/plain"
    assert "url_private" in announced


def test_the_bot_downloads_a_file_with_its_token(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    upload = sandbox.upload_file(world.carol, world.globex_channel, "bill.pdf", BILL)
    info = client.files_info(file=upload.file_id)["file"]
    for url in (info["url_private"], info["url_private_download"]):
        got = httpx.get(url, headers={"Authorization": f"Bearer {sandbox.bot_token}"})
        assert got.status_code == 200
        assert got.content == BILL
        assert got.headers["Content-Type"] == "application/pdf"
        assert got.headers["Content-Length"] == str(len(BILL))


def test_without_the_token_slack_answers_its_sign_in_page(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    upload = sandbox.upload_file(world.carol, world.globex_channel, "bill.pdf", BILL)
    url = client.files_info(file=upload.file_id)["file"]["url_private_download"]
    for headers in ({}, {"Authorization": "Bearer xoxb-someone-else"}):
        got = httpx.get(url, headers=headers)
        assert got.status_code == 200, "Slack does not say 401: the bot must notice the HTML"
        assert got.headers["Content-Type"].startswith("text/html")
        assert b"Sign in" in got.content


def test_a_file_in_a_channel_the_bot_is_not_in_does_not_exist_for_it(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    elsewhere = sandbox.add_channel("globex-internal", members=[world.alice], bot_is_member=False)
    upload = sandbox.upload_file(world.alice, elsewhere, "secret.pdf", BILL)
    answer = httpx.post(
        sandbox.api_url + "files.info",
        data={"file": upload.file_id},
        headers={"Authorization": f"Bearer {sandbox.bot_token}"},
    ).json()
    assert answer == {"ok": False, "error": "file_not_found"}


def test_a_file_name_with_spaces_survives_the_url(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    upload = sandbox.upload_file(world.carol, world.globex_channel, "March bill.png", b"\x89PNG")
    info = client.files_info(file=upload.file_id)["file"]
    assert info["filetype"] == "png"
    got = httpx.get(info["url_private"], headers={"Authorization": f"Bearer {sandbox.bot_token}"})
    assert got.content == b"\x89PNG"
    assert got.headers["Content-Type"] == "image/png"


def test_the_upload_url_takes_the_bytes_once(sandbox: SlackSandbox, client: WebClient):
    granted = client.files_getUploadURLExternal(filename="report.csv", length=3)
    first = httpx.post(granted["upload_url"], content=b"a,b")
    second = httpx.post(granted["upload_url"], content=b"a,b")
    assert (first.status_code, first.text) == (200, "OK - 3")
    assert second.status_code == 404
