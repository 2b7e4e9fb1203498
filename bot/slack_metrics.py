"""The Slack Web API client, counted: `sipdesk_slack_api_calls_total{method,result}`.

`result` is ok, error (Slack answered ok=false or an HTTP error), unreachable (no answer), and
ratelimited: every 429, including those the client waited out and retried, so an operator sees
the pressure before calls start failing.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse

from store import metrics


class CountedWebClient(WebClient):
    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            status = getattr(error.response, "status_code", None)
            metrics.slack_call(api_method, "ratelimited" if status == 429 else "error")
            raise
        except Exception:
            metrics.slack_call(api_method, "unreachable")
            raise
        metrics.slack_call(api_method, "ok")
        return response


class CountedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Counts each 429 it waits out (the final answer is counted by CountedWebClient)."""

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        metrics.slack_call(request.url.rstrip("/").rsplit("/", 1)[-1], "ratelimited")
        super().prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )
