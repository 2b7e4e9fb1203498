"""The spoken prompt the caller plays to whoever answers, as a WAV file baresip can play.

Made with Debian's `espeak-ng` (speech) and `sox` (8 kHz mono 16-bit, as baresip's `aufile`
needs for G.711, then silence). baresip 1.0's `aufile` ends the call when the file ends, so the
file carries the whole time allowed to key in: the prompt, then `seconds_to_key` of silence.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PROMPT = (
    "Hello. This is the support desk calling to confirm this phone number. "
    "Please key in the six digit code shown to you in Slack."
)


class PromptError(Exception):
    """The prompt could not be made (a tool is missing or failed); the message says which."""


def make_prompt(out: Path, *, seconds_to_key: int = 25, text: str = PROMPT) -> Path:
    """Write the prompt to `out` (WAV, 8 kHz mono 16-bit) and return it."""
    for tool, package in (("espeak-ng", "espeak-ng"), ("sox", "sox")):
        if shutil.which(tool) is None:
            raise PromptError(f"{tool} is not installed (Debian package {package})")
    with tempfile.TemporaryDirectory() as work:
        spoken = Path(work) / "spoken.wav"
        _run(["espeak-ng", "-s", "150", "-w", str(spoken), text])
        # A short pause first: the far end's audio path may need a moment after answering.
        _run(["sox", str(spoken), "-r", "8000", "-c", "1", "-b", "16", str(out),
              "pad", "0.5", str(seconds_to_key)])  # fmt: skip
    return out


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise PromptError(f"{command[0]} failed: {done.stderr.strip()[:300]}")
