"""The Notifier a listener or a job hands its flow: Slack, paced per channel for every replica."""

from __future__ import annotations

from slack_sdk import WebClient

from handlers.notify import SlackNotifier
from handlers.services import Services
from store.rate_limit import ChannelRateLimiter


def slack_notifier(services: Services, client: WebClient) -> SlackNotifier:
    return SlackNotifier(client, ChannelRateLimiter(services.redis, services.redis_prefix))
