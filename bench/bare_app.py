"""The baseline of bench/ack.py: a Bolt app that only acks, served the way `sipdesk run` serves
(bot.web's WSGI app on waitress, the same thread count).

Run: ``python bench/bare_app.py --port P --signing-secret S --token T --api-url U
[--runner ack|bolt]``; prints
``ready`` once it listens. ``--runner ack`` answers at ack() as sipdesk does (bot.ack_runner);
``--runner bolt`` keeps Bolt's default runner, which polls for the ack every 10 ms.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_bolt import App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bot.ack_runner import answer_on_ack, listener_executor  # noqa: E402
from bot.web import HttpServer, make_wsgi  # noqa: E402

COMMANDS = ("/sip", "/callerid")
ACTIONS = ("home_refresh", "approval_approve")


def bare_app(signing_secret: str, runner: str, token: str, api_url: str) -> App:
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=signing_secret,
        process_before_response=False,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        listener_executor=listener_executor(),
    )
    if runner == "ack":
        answer_on_ack(app)

    def only_ack(ack: Any) -> None:
        ack()

    for command in COMMANDS:
        app.command(command)(only_ack)
    for action in ACTIONS:
        app.action(action)(only_ack)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--signing-secret", required=True)
    parser.add_argument("--runner", choices=("ack", "bolt"), default="ack")
    parser.add_argument("--threads", type=int, default=8)
    # Bolt checks the token once (auth.test): the same local Slack sipdesk talks to.
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    app = bare_app(args.signing_secret, args.runner, args.token, args.api_url)
    wsgi = make_wsgi(app, dict, signing_secret=args.signing_secret)
    server = HttpServer(wsgi, "127.0.0.1", args.port, threads=args.threads)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
