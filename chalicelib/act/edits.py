"""Message edits whose webhook carries no text: the new text is read from the Graph API, never stored."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.act.graph.errors import describe_graph_error
from chalicelib.config import PageSettings
from chalicelib.errors import GraphPermanentError
from chalicelib.models import Surface, WebhookEvent

if TYPE_CHECKING:
    from chalicelib.act.graph import GraphClient


def with_edit_text(graph: "GraphClient", page: PageSettings, event: WebhookEvent) -> tuple[WebhookEvent, str]:
    """The event with its text, and "" ; or the event unchanged and why its text could not be read.

    Instagram's `message_edit` often carries only `mid` and `num_edit`; the edited text is then read with
    `GET /{message-id}?fields=message`. Retryable Graph errors propagate (the queue delivers the event again);
    a permanent one (the message was unsent, a permission is missing) means the edit cannot be checked.
    """
    if event.surface is not Surface.MESSAGE or event.verb != "edit" or event.text.strip():
        return event, ""
    try:
        text = graph.fetch_message_text(page, event)
    except GraphPermanentError as exc:
        return event, f"edited message could not be read: {describe_graph_error(exc)}"
    if not text.strip():
        return event, "edited message could not be read"
    return replace(event, text=text), ""
