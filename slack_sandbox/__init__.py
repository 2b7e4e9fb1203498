"""The local Slack sandbox the demo and tests run the bot against, and Slack's signed driver.

with SlackSandbox() as slack:
    world = slack.seed_demo_world()
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)  # the bot's client
    driver = SlackDriver("http://127.0.0.1:3000", slack.signing_secret, slack)
    driver.slash_command("/callerid", "", user=world.carol, channel=world.globex_channel)
    slack.last_view(world.carol)  # what the bot opened
    # or, with the app connected in Socket Mode (SocketModeHandler(app, slack.app_token)):
    slack.socket_mode.slash_command("/sip", "help", user=world.carol, channel=world.staff_channel)
"""

from slack_sandbox.demo_world import DemoWorld
from slack_sandbox.driver import Signature, SlackDriver
from slack_sandbox.readback import BotActivity
from slack_sandbox.responses import RecordedResponse
from slack_sandbox.sandbox import SlackSandbox
from slack_sandbox.slack_side import CustomerUpload
from slack_sandbox.socket_driver import SocketModeDriver
from slack_sandbox.web_api import RecordedCall

__all__ = [
    "BotActivity",
    "CustomerUpload",
    "DemoWorld",
    "RecordedCall",
    "RecordedResponse",
    "Signature",
    "SlackDriver",
    "SlackSandbox",
    "SocketModeDriver",
]
