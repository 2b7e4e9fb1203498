"""The local Slack sandbox the demo and tests run the bot against, and Slack's signed driver."""

from bot.sandbox.demo_world import DemoWorld
from bot.sandbox.driver import Signature, SlackDriver
from bot.sandbox.readback import BotActivity
from bot.sandbox.responses import RecordedResponse
from bot.sandbox.sandbox import CustomerUpload, SlackSandbox
from bot.sandbox.web_api import RecordedCall

__all__ = [
    "BotActivity",
    "CustomerUpload",
    "DemoWorld",
    "RecordedCall",
    "RecordedResponse",
    "Signature",
    "SlackDriver",
    "SlackSandbox",
]
