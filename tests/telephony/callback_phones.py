"""The call-back's real parts on loopback: baresip as sipdesk's caller (a service account on the
test Kamailio), and the claimed number's phone: SIPp (scenario XML written here) or a second
baresip. Every baresip has its own config dir, loopback addresses, free ports, no audio device."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telephony_world import (
    SIP_DOMAIN,
    KamailioServer,
    free_port,
    free_udp_and_tcp_port,
    missing,
    stop,
)

from telephony.callback.prompt import make_prompt

MODULES = Path("/usr/lib/baresip/modules")


def need(binary: str, package: str) -> str:
    found = shutil.which(binary)
    if found is None:
        missing(f"{binary} is not installed (Debian package {package})")
    assert found is not None
    return found


def silence_wav(folder: Path, seconds: int = 60) -> Path:
    need("sox", "sox")
    wav = folder / "silence.wav"
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(wav), "trim", "0", str(seconds)],
        check=True,
        timeout=30,
    )
    return wav


def prompt_wav(folder: Path, *, seconds_to_key: int = 20) -> Path:
    """The prompt as `sipdesk callback-prompt` makes it (espeak-ng and sox)."""
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    return make_prompt(folder / "prompt.wav", seconds_to_key=seconds_to_key)


@dataclass
class Baresip:
    """A running baresip and its `ctrl_tcp` port."""

    sip_port: int
    ctrl_port: int
    log: Path
    process: subprocess.Popen[bytes]

    def command(self, command: str, params: str | None = None) -> dict[str, Any]:
        """One ctrl_tcp command and its response (a fresh connection: ctrl_tcp keeps one)."""
        body: dict[str, Any] = {"command": command, "token": "t"}
        if params is not None:
            body["params"] = params
        data = json.dumps(body).encode()
        with socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=5) as conn:
            conn.sendall(str(len(data)).encode() + b":" + data + b",")
            buffer = b""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                buffer += conn.recv(4096)
                while b":" in buffer:
                    head, _, rest = buffer.partition(b":")
                    size = int(head)
                    if len(rest) < size + 1:
                        break
                    message = json.loads(rest[:size])
                    buffer = rest[size + 1 :]
                    if message.get("response"):
                        return dict(message)
        raise AssertionError(f"baresip did not answer {command!r}:\n{self.log.read_text()[-2000:]}")


@contextmanager
def run_baresip(
    folder: Path,
    account: str,
    *,
    sip_port: int | None = None,
    audio_source: Path | None = None,
) -> Iterator[Baresip]:
    """baresip with `account` (an accounts-file line), listening on loopback only."""
    binary = need("baresip", "baresip")
    folder.mkdir(parents=True, exist_ok=True)
    sip_port = sip_port or free_udp_and_tcp_port()
    ctrl_port = free_port(socket.SOCK_STREAM)
    rtp = free_port(socket.SOCK_DGRAM)
    lines = [
        "poll_method\t\tepoll",
        f"sip_listen\t\t127.0.0.1:{sip_port}",
        "call_local_timeout\t120",
        "call_max_calls\t\t4",
        f"rtp_ports\t\t{rtp}-{rtp + 9}",
        f"module_path\t\t{MODULES}",
        "module\t\t\tg711.so",
        # No audio device: no player module at all, and a file as the source (the phone's is
        # silence: baresip sends telephone-events from its audio source's clock).
        "module\t\t\taufile.so",
        f"audio_source\t\taufile,{audio_source or silence_wav(folder)}",
        "module_app\t\taccount.so",
        "module_app\t\tmenu.so",
        "module_app\t\tctrl_tcp.so",
        f"ctrl_tcp_listen\t\t127.0.0.1:{ctrl_port}",
        "net_interface\t\t127.0.0.1",
    ]
    (folder / "config").write_text("\n".join(lines) + "\n")
    (folder / "accounts").write_text(account + "\n")
    log = folder / "baresip.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-f", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    ua = Baresip(sip_port, ctrl_port, log, process)
    try:
        _wait_for_ctrl(ua)
        yield ua
    finally:
        stop(process)


def _wait_for_ctrl(ua: Baresip) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if ua.process.poll() is not None:
            pytest.fail(
                f"baresip exited with {ua.process.returncode}:\n{ua.log.read_text()[-3000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", ua.ctrl_port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"baresip's ctrl_tcp did not listen within 15 s:\n{ua.log.read_text()[-3000:]}")


def caller_account(server: KamailioServer, username: str, password: str) -> str:
    """The service account's line: it only calls out, through Kamailio, authenticating."""
    return (
        f"<sip:{username}@{SIP_DOMAIN};transport=udp>;auth_pass={password};"
        f'outbound="sip:127.0.0.1:{server.sip_port};transport=udp";regint=0;'
        "audio_codecs=PCMU"
    )


def phone_account(number: str) -> str:
    """The claimed number's phone: answers at once whatever rings it."""
    return f"<sip:{number}@127.0.0.1;transport=udp>;regint=0;answermode=auto;audio_codecs=PCMU"


# ----- SIPp as the claimed number's phone (the PSTN gateway's address) -----

_REPLY_HEAD = """[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>"""

_SDP = """Content-Type: application/sdp
Content-Length: [len]

v=0
o=phone 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv"""


def _send(text: str, **attrs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<send{extra}><![CDATA[\n{text}\n]]></send>\n"


def _reply(status: str, body: str = "Content-Length: 0\n") -> str:
    return f"SIP/2.0 {status}\n{_REPLY_HEAD}\n{body}"


def sipp_scenario(behaviour: str, digits: str = "") -> str:
    """A phone that is `busy`, refuses the call (`reject`), rings out (`no-answer`), answers
    and keys `digits` in by SIP INFO (`info`), or keys nothing (`silent`). (RFC 4733 keys come
    from a second baresip.)"""
    steps = ['<recv request="INVITE" rrs="true"/>\n']
    if behaviour == "info":
        # The caller's From (with its tag) is kept to address the INFO requests back.
        steps = [
            '<recv request="INVITE" rrs="true"><action><ereg regexp=".*" search_in="hdr" '
            'header="From:" check_it="true" assign_to="caller"/></action></recv>\n'
        ]
    if behaviour in ("busy", "reject"):
        status = "486 Busy Here" if behaviour == "busy" else "603 Decline"
        steps.append(_send(_reply(status)))
        steps.append('<recv request="ACK"/>\n')
    elif behaviour == "no-answer":
        steps.append(_send(_reply("180 Ringing")))
        steps.append('<recv request="CANCEL"/>\n')
        steps.append(_send(_reply("200 OK")))  # to the CANCEL: the caller gave up ringing
    else:
        steps.append(_send(_reply("180 Ringing")))
        steps.append(_send(_reply("200 OK", _SDP), retrans="500"))
        steps.append('<recv request="ACK"/>\n')
        steps.append('<pause milliseconds="1500"/>\n')
        if behaviour == "info":
            for n, digit in enumerate(digits, start=1):
                steps.append(_send(_info(digit, n)))
                steps.append('<recv response="200"/>\n')
        steps.append('<recv request="BYE" timeout="60000"/>\n')
        steps.append(_send(_reply("200 OK")))
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
        '<scenario name="the claimed number">\n' + "".join(steps) + "</scenario>\n"
    )


def _info(digit: str, n: int) -> str:
    return f"""INFO [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[routes]
From: <sip:phone@[local_ip]>;tag=[pid]SIPpTag01[call_number]
To: [$caller]
[last_Call-ID:]
CSeq: {n + 1} INFO
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

Signal={digit}
Duration=160"""


def _wait_bound(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until SIPp holds its UDP port (binding it ourselves fails)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sipp exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.05)
    pytest.fail(f"sipp did not bind 127.0.0.1:{port} within 10 s")


@contextmanager
def run_sipp(folder: Path, port: int, scenario: str) -> Iterator[subprocess.Popen[bytes]]:
    """SIPp answering one call on 127.0.0.1:`port` (the test Kamailio's PSTN gateway)."""
    binary = need("sipp", "sip-tester")
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / "phone.xml"
    xml.write_text(scenario)
    media = free_port(socket.SOCK_DGRAM)
    log = folder / "sipp.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-sf", str(xml), "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1",
             "-mp", str(media), "-m", "1", "-nostdin", "-trace_err", "-trace_msg",
             "-timeout", "90s", "-timeout_error"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_bound(port, process, log)
        yield process
    finally:
        stop(process)
