"""Hostile bodies on the upload page: a gigabyte announced and trickled, slow senders holding
connections open. Refused, nothing stored, and the server keeps answering everyone else."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import httpx
from pages_world import PagesBot, bill_request, csrf_of, evidence_count, globex_bill

from handlers.links import issue_upload_link

BOUNDARY = "sipdeskboundary"


def _head(url: str, length: int, cookie: str) -> bytes:
    parsed = urlparse(url)
    return (
        f"POST {parsed.path} HTTP/1.1\r\n"
        f"Host: {parsed.netloc}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {length}\r\n"
        f"Cookie: sipdesk_csrf={cookie}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


def _part_head(csrf: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="bill"; filename="bill.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()


def _connect(url: str) -> socket.socket:
    parsed = urlparse(url)
    return socket.create_connection((parsed.hostname, parsed.port), timeout=10)


def test_a_gigabyte_announced_and_trickled_is_refused_before_it_is_read(pages_bot: PagesBot):
    url = issue_upload_link(pages_bot.runtime.services, bill_request(pages_bot))
    with httpx.Client() as client:
        csrf = csrf_of(client.get(url).text)
    started = time.monotonic()
    with _connect(url) as sock:
        sock.sendall(_head(url, 1_000_000_000, csrf) + _part_head(csrf))
        answer = b""
        for _ in range(50):  # trickle 1 KiB at a time until the server answers or hangs up
            try:
                sock.sendall(b"\0" * 1024)
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(0.05)
            try:
                answer += sock.recv(65536)
            except TimeoutError:
                continue
            if b"\r\n\r\n" in answer:
                break
        sock.settimeout(5)
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5  # refused at the headers, not after a gigabyte
    assert httpx.get(f"{pages_bot.url}/healthz").status_code == 200
    assert evidence_count(pages_bot) == 0


def test_slow_senders_hold_no_worker_and_store_nothing(pages_bot: PagesBot):
    """More trickling uploads than the server has threads: everyone else is still served."""
    request_id = bill_request(pages_bot)
    url = issue_upload_link(pages_bot.runtime.services, request_id)
    with httpx.Client() as client:
        csrf = csrf_of(client.get(url).text)
    tricklers = [_connect(url) for _ in range(20)]  # the server runs 8 worker threads
    try:
        for sock in tricklers:
            sock.sendall(_head(url, 5 * 1024 * 1024, csrf) + _part_head(csrf))
        for _ in range(3):
            for sock in tricklers:
                sock.sendall(b"\0" * 512)
            health = httpx.get(f"{pages_bot.url}/healthz", timeout=5)
            assert health.status_code == 200
        with httpx.Client(timeout=5) as client:  # the link is still good for a real upload
            page = client.get(url)
            answer = client.post(
                url,
                data={"csrf": csrf_of(page.text)},
                files={"bill": ("bill.pdf", globex_bill(), "application/pdf")},
                headers={"Accept": "application/json"},
            )
        assert answer.json()["ok"], answer.text
    finally:
        for sock in tricklers:
            sock.close()  # abandoned half-way: nothing of these reaches the app
    assert evidence_count(pages_bot) == 1


def test_a_body_that_is_not_the_pages_form_is_refused(pages_bot: PagesBot):
    url = issue_upload_link(pages_bot.runtime.services, bill_request(pages_bot))
    with httpx.Client() as client:
        csrf = csrf_of(client.get(url).text)
        cookie = {"Cookie": f"sipdesk_csrf={csrf}", "Accept": "application/json"}
        plain = client.post(url, content=b"%PDF-1.7 raw", headers={**cookie})
        assert plain.status_code == 422
        no_end = client.post(
            url,
            content=_part_head(csrf) + b"no closing boundary",
            headers={**cookie, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        assert no_end.status_code == 422
        two_files = (
            _part_head(csrf)
            + (
                f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="bill"; '
                f'filename="b.pdf"\r\n\r\n%PDF-1.7\r\n--{BOUNDARY}--\r\n'
            ).encode()
        )
        answer = client.post(
            url,
            content=two_files,
            headers={**cookie, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        assert answer.status_code == 422 and "one file" in answer.json()["message"]
    assert evidence_count(pages_bot) == 0
    assert httpx.get(f"{pages_bot.url}/healthz").status_code == 200
