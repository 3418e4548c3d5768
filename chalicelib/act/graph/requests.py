"""The shape of each Graph write (REFERENCE.md §5), shared by the HTTP and dry-run clients so both make the same call."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from chalicelib.config import PageSettings
from chalicelib.errors import GraphPermanentError
from chalicelib.models import Platform, Surface, WebhookEvent

@dataclass(frozen=True)
class PlannedRequest:
    """One Graph call before it is sent: method, path under the version, and its body."""

    op: str
    method: str
    path: str
    form: Mapping[str, str] = field(default_factory=dict)
    json: Mapping[str, Any] | None = None
    is_send: bool = False  # creates something visible to a person: never resend blindly


#: What one Graph node id in a URL path may hold. Meta's ids are digits joined by underscores; letters and
#: hyphens are harmless. No "/", ".", "?", "%" or whitespace: an id from a webhook (which anyone who can
#: forge or bend a payload controls) must never address another node or edge ("123/subscribed_apps", "..").
#: Message ids (base64-like) and sender ids only ever go in JSON bodies and are not checked here.
_GRAPH_ID = re.compile(r"[0-9A-Za-z_-]+")


#: Message ids are base64 text ("m_AbC-x_9", Instagram's "aWdf...ZDZD", sometimes "=" padded). No "/", "." or "%".
_MESSAGE_ID = re.compile(r"[0-9A-Za-z_=-]+")


def is_graph_id(value: str) -> bool:
    return _GRAPH_ID.fullmatch(value) is not None


def message_path(event: WebhookEvent) -> str:
    """`/{message-id}` for reading one message (GET ?fields=message), or GraphPermanentError for an odd id."""
    if not _MESSAGE_ID.fullmatch(event.item_id):
        raise GraphPermanentError("fetch_message_text: the message id is not a Graph id; request not sent")
    return f"/{event.item_id}"


def _node(op: str, value: str, what: str) -> str:
    """`value` as one path segment, or GraphPermanentError (never retried: the id will not change)."""
    if not is_graph_id(value):
        # The value itself stays out of the message: it came from outside and may be anything.
        raise GraphPermanentError(f"{op}: the {what} is not a Graph id; request not sent")
    return value


def reply_target(event: WebhookEvent) -> str:
    """The comment a public reply goes under.

    Instagram only accepts replies on top-level comments (REFERENCE.md §5, botpress #14331), and a
    Facebook thread is only two levels deep, so for a reply-to-a-reply PageGuard answers on the
    top-level parent comment (same thread, visible next to the hidden reply). Top-level comments
    have no parent_id (Instagram) or parent_id == post_id (Facebook).
    """
    if event.parent_id and event.parent_id != event.post_id:
        return event.parent_id
    return event.item_id


def plan_request(
    op: str,
    page: PageSettings,
    event: WebhookEvent,
    *,
    text: str = "",
    hidden: bool = True,
    instagram_login: bool = False,
) -> PlannedRequest:
    """Build the request for one write operation: hide_comment, delete_comment, reply_to_comment, private_reply,
    send_message."""
    ig = event.platform is Platform.INSTAGRAM
    if op == "delete_comment":
        return PlannedRequest(op, "DELETE", f"/{_node(op, event.item_id, 'comment id')}")
    if op == "hide_comment":
        key = "hide" if ig else "is_hidden"
        path = f"/{_node(op, event.item_id, 'comment id')}"
        return PlannedRequest(op, "POST", path, form={key: "true" if hidden else "false"})
    if op == "reply_to_comment":
        edge = "replies" if ig else "comments"
        path = f"/{_node(op, reply_target(event), 'comment id')}/{edge}"
        return PlannedRequest(op, "POST", path, form={"message": text}, is_send=True)
    node = _node(op, _messaging_node(page, event, instagram_login), "account id")
    if op == "private_reply":
        # A visitor's post on a Page is answered privately through recipient.post_id (REFERENCE.md §5).
        recipient = {"post_id" if event.surface is Surface.POST else "comment_id": event.item_id}
        body = {"recipient": recipient, "message": {"text": text}}
        return PlannedRequest(op, "POST", f"/{node}/messages", json=body, is_send=True)
    if op == "send_message":
        body = {"recipient": {"id": event.sender_id}, "messaging_type": "RESPONSE", "message": {"text": text}}
        return PlannedRequest(op, "POST", f"/{node}/messages", json=body, is_send=True)
    raise ValueError(f"unknown Graph operation {op!r}")


def _messaging_node(page: PageSettings, event: WebhookEvent, instagram_login: bool) -> str:
    """Whose /messages edge sends: the Page for Facebook and for Instagram with Facebook Login (Page token
    on graph.facebook.com); the Instagram account itself only on graph.instagram.com (Instagram Login)."""
    if event.platform is Platform.INSTAGRAM and instagram_login:
        return page.instagram_id or event.account_id
    return page.page_id


