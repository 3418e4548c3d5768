"""Meta's Graph API: the `GraphClient` protocol, and its HTTP and dry-run implementations.

errors.py classifies Meta's errors once; requests.py holds each write's shape, shared by http.py
(`HttpGraphClient`) and dry_run.py (`DryRunGraphClient`), so a dry run shows exactly the call a real run
makes. Facts and sources: REFERENCE.md §5 and §6.
"""

from __future__ import annotations

from typing import Protocol

from chalicelib.act.graph.dry_run import DryRunGraphClient, GraphCall
from chalicelib.act.graph.errors import classify_error, describe_graph_error, is_outside_window, retry_after
from chalicelib.act.graph.http import HttpGraphClient
from chalicelib.act.graph.requests import PlannedRequest, is_graph_id, plan_request, reply_target
from chalicelib.config import PageSettings
from chalicelib.models import WebhookEvent

class GraphClient(Protocol):
    """What the pipeline needs from Meta's Graph API. Errors are `chalicelib.errors.Graph*Error`."""

    def hide_comment(self, page: PageSettings, event: WebhookEvent, hidden: bool = True) -> None: ...

    def reply_to_comment(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def private_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def send_message(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def delete_comment(self, page: PageSettings, event: WebhookEvent) -> None:
        """Delete the comment `event.item_id` (PageGuard's own reply, when a hide is reversed)."""
        ...

    def find_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        """The id of a reply reading exactly `text` where our public reply to `event` goes, or "": after a
        send that was interrupted, whether Meta has it already."""
        ...

    def list_recent_comments(self, page: PageSettings, since: float) -> list[WebhookEvent]: ...

    def fetch_message_text(self, page: PageSettings, event: WebhookEvent) -> str:
        """The current text of the message `event.item_id` (an edit whose webhook had no text); "" if none."""
        ...

    def check_token(self, page: PageSettings) -> None: ...




__all__ = [
    "DryRunGraphClient", "GraphCall", "GraphClient", "HttpGraphClient", "PlannedRequest", "classify_error",
    "describe_graph_error", "is_graph_id", "is_outside_window", "plan_request", "reply_target", "retry_after",
]
