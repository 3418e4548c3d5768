"""Graph API adapter: hide, reply, private-reply, send and list comments, with Meta's errors classified once.

`GraphClient` is the protocol; `HttpGraphClient` talks to Meta over HTTP; `DryRunGraphClient` logs and
records what it would do (DRY_RUN and local runs). Endpoint shapes live in `plan_request`, shared by
both, so a dry run shows exactly the call a real run makes. Facts and sources: REFERENCE.md §5 and §6.

Tokens travel in the `Authorization: Bearer` header, never in URLs; nothing here logs a token or a
text (logs carry the operation, platform, ids and HTTP status).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from aws_lambda_powertools import Logger

from chalicelib.config import LOCAL_APP_SECRET, PageSettings, Settings
from chalicelib.errors import (
    GraphAmbiguousSendError,
    GraphError,
    GraphPermanentError,
    GraphRetryableError,
    GraphTokenExpiredError,
)
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.ingest.webhook import meta_time

logger = Logger(service="pageguard", child=True)

# --- error classification (REFERENCE.md §6) -------------------------------------------------------

#: Transient: unknown/temporary (1, 2), rate limits (4, 17, 32, 341, 613) and the business-use-case
#: rate limits 80001-80014 (Pages, Instagram, Messenger... "back off").
RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 613} | set(range(80001, 80015)))
#: The page must be reconnected.
TOKEN_CODES = frozenset({190, 102})
#: Permanent whatever the HTTP status: permissions (10, 200-299), invalid object (100), policy block
#: (368), duplicate (506), user unavailable (551), thread controlled by another app (2018300).
PERMANENT_CODES = frozenset({10, 100, 368, 506, 551, 2018300} | set(range(200, 300)))
#: Messenger "Received invalid JSON reply": the message may have been delivered anyway.
AMBIGUOUS_SEND = (1, 1357046)
#: Code 10 subcodes meaning "outside the allowed messaging window".
OUTSIDE_WINDOW_SUBCODES = frozenset({2018278, 2534022})

MAX_LISTING_PAGES = 10  # pages followed per listing (posts, comments of one post)
MAX_POSTS = 25  # most recent posts / media scanned by list_recent_comments
MAX_RECORDED_CALLS = 1000  # DryRunGraphClient keeps the most recent calls only


def classify_error(
    status: int,
    payload: Any,
    *,
    op: str,
    is_send: bool = False,
    headers: Mapping[str, str] | None = None,
) -> GraphError:
    """Turn one failed Graph response into PageGuard's error type. Pure; the message carries codes, never Meta's text.

    Meta's own `message` is left out on purpose: user-facing error texts can name the recipient.
    """
    error = payload.get("error") if isinstance(payload, dict) else None
    error = error if isinstance(error, dict) else {}
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    message = f"{op}: HTTP {status}, code {code}, subcode {subcode}"
    kwargs = {"status": status, "code": code, "subcode": subcode}

    exc: GraphError
    if is_send and (code, subcode) == AMBIGUOUS_SEND:
        exc = GraphAmbiguousSendError(message + " (the message may have been sent)", **kwargs)
    elif code in TOKEN_CODES:
        exc = GraphTokenExpiredError(message + " (access token invalid or expired)", **kwargs)
    elif code in RETRYABLE_CODES:
        exc = GraphRetryableError(message, **kwargs)
    elif code in PERMANENT_CODES:
        exc = GraphPermanentError(message, **kwargs)
    elif status >= 500 or status in (408, 429):
        exc = GraphRetryableError(message, **kwargs)
    else:
        exc = GraphPermanentError(message, **kwargs)
    exc.retry_after = _retry_after(headers or {})  # type: ignore[attr-defined]
    return exc


def retry_after(exc: BaseException) -> float | None:
    """Seconds Meta asked us to wait (Retry-After, or X-Business-Use-Case-Usage), when it said."""
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else None


def is_outside_window(exc: GraphError) -> bool:
    """The DM could not be sent because the 24 h messaging window is closed."""
    return exc.code == 10 and exc.subcode in OUTSIDE_WINDOW_SUBCODES


def describe_graph_error(exc: GraphError) -> str:
    """A short human phrase for the professional's email ("permission missing (code 10)"); no Meta text."""
    code, subcode = exc.code, exc.subcode
    ref = f"code {code}" + (f"/{subcode}" if subcode else "") if code is not None else f"HTTP {exc.status}"
    if isinstance(exc, GraphTokenExpiredError):
        what = "the page's access token is no longer valid"
    elif isinstance(exc, GraphAmbiguousSendError):
        what = "Meta gave an unclear answer; the message may or may not have been sent"
    elif code == 10 and subcode in OUTSIDE_WINDOW_SUBCODES:
        what = "outside the 24-hour messaging window"
    elif code == 10 or (code is not None and 200 <= code <= 299):
        what = "permission missing"
    elif code == 100:
        what = "the item no longer exists or can't be acted on"
    elif code == 551:
        what = "the person can't receive messages from the page"
    elif code == 368:
        what = "the page is temporarily blocked by Meta"
    elif isinstance(exc, GraphRetryableError):
        what = "Meta was unavailable or rate-limited"
    else:
        what = "Meta refused the request"
    return f"{what} ({ref})"


# --- request shapes (REFERENCE.md §5) ------------------------------------------------------------


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


def is_graph_id(value: str) -> bool:
    return _GRAPH_ID.fullmatch(value) is not None


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
    """Build the request for one write operation: hide_comment, reply_to_comment, private_reply, send_message."""
    ig = event.platform is Platform.INSTAGRAM
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
        body = {"recipient": {"comment_id": event.item_id}, "message": {"text": text}}
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


# --- protocol -------------------------------------------------------------------------------------


class GraphClient(Protocol):
    """What the pipeline needs from Meta's Graph API. Errors are `chalicelib.errors.Graph*Error`."""

    def hide_comment(self, page: PageSettings, event: WebhookEvent, hidden: bool = True) -> None: ...

    def reply_to_comment(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def private_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def send_message(self, page: PageSettings, event: WebhookEvent, text: str) -> str: ...

    def list_recent_comments(self, page: PageSettings, since: float) -> list[WebhookEvent]: ...

    def check_token(self, page: PageSettings) -> None: ...


# --- real client ---------------------------------------------------------------------------------


class HttpGraphClient:
    """Graph API over HTTP with the page's token. No retry loop: retryable errors raise, the queue retries."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        app_secret: str = "",
        *,
        max_pages: int = MAX_LISTING_PAGES,
        max_posts: int = MAX_POSTS,
    ) -> None:
        self._base = base_url.rstrip("/")  # includes the version, e.g. https://graph.facebook.com/v25.0
        self._session = session or requests.Session()
        self._timeout = timeout
        self._app_secret = app_secret
        self._max_pages = max_pages
        self._max_posts = max_posts
        self._instagram_login = urlsplit(self._base).hostname == "graph.instagram.com"

    @classmethod
    def from_settings(cls, settings: Settings, session: requests.Session | None = None) -> "HttpGraphClient":
        # The built-in local secret is not the Meta app's: an appsecret_proof made with it would make
        # every real Graph call fail (code 100), so it is only used when it is a real secret.
        secret = "" if settings.app_secret == LOCAL_APP_SECRET else settings.app_secret
        return cls(settings.graph_api_url, session=session, app_secret=secret)

    # writes

    def hide_comment(self, page: PageSettings, event: WebhookEvent, hidden: bool = True) -> None:
        body = self._send(page, event, plan_request("hide_comment", page, event, hidden=hidden))
        if body.get("success") is not True:
            raise GraphPermanentError("hide_comment: Meta did not confirm success", status=200)

    def reply_to_comment(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("reply_to_comment", page, event, text=text)
        return str(self._send(page, event, plan).get("id", ""))

    def private_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("private_reply", page, event, text=text, instagram_login=self._instagram_login)
        return str(self._send(page, event, plan).get("message_id", ""))

    def send_message(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("send_message", page, event, text=text, instagram_login=self._instagram_login)
        return str(self._send(page, event, plan).get("message_id", ""))

    # reads

    def check_token(self, page: PageSettings) -> None:
        self._request(page, "GET", "/me", op="check_token", params={"fields": "id"})

    def list_recent_comments(self, page: PageSettings, since: float) -> list[WebhookEvent]:
        """Comments created at or after `since` on the most recent posts (Facebook) and media (Instagram).

        Old posts can get new comments, so posts are not filtered by date; the scan is bounded by
        `max_posts` and `max_pages` instead. Facebook comments come newest first (order=
        reverse_chronological, filter=stream includes replies), so paging stops at the first older one.
        """
        events: list[WebhookEvent] = []
        if page.page_id:
            events.extend(self._facebook_comments(page, since))
        if page.instagram_id:
            events.extend(self._instagram_comments(page, since))
        return sorted(events, key=lambda e: (e.created_time, e.item_id))

    def _facebook_comments(self, page: PageSettings, since: float) -> Iterator[WebhookEvent]:
        posts = self._listing(
            page,
            f"/{page.page_id}/published_posts",
            {"fields": "id,permalink_url,created_time", "limit": str(self._max_posts)},
            op="list_posts",
            max_items=self._max_posts,
        )
        for post in list(posts):
            post_id = str(post.get("id", ""))
            if not is_graph_id(post_id):
                continue  # missing, or not something to put in a path
            params = {
                "filter": "stream",
                "order": "reverse_chronological",
                "fields": "id,from,message,created_time,parent,permalink_url",
                "limit": "100",
            }
            for item in self._listing(page, f"/{post_id}/comments", params, op="list_comments"):
                event = _facebook_comment_event(page, post_id, item)
                if event is None:
                    continue
                if event.created_time < since:
                    break  # newest first: everything after this is older
                yield event

    def _instagram_comments(self, page: PageSettings, since: float) -> Iterator[WebhookEvent]:
        media = self._listing(
            page,
            f"/{page.instagram_id}/media",
            {"fields": "id,permalink,timestamp", "limit": str(self._max_posts)},
            op="list_media",
            max_items=self._max_posts,
        )
        fields = "id,text,timestamp,from,username,parent_id,replies{id,text,timestamp,from,username,parent_id}"
        for medium in list(media):
            media_id = str(medium.get("id", ""))
            if not is_graph_id(media_id):
                continue  # missing, or not something to put in a path
            permalink = str(medium.get("permalink", ""))
            for item in self._listing(page, f"/{media_id}/comments", {"fields": fields, "limit": "50"}, op="list_comments"):
                replies = (item.get("replies") or {}).get("data") or []
                for raw in (item, *replies):
                    event = _instagram_comment_event(page, media_id, permalink, raw, default_parent="" if raw is item else str(item.get("id", "")))
                    # Instagram's comment order is not documented: filter instead of stopping early.
                    if event is not None and event.created_time >= since:
                        yield event

    def _listing(
        self,
        page: PageSettings,
        path: str,
        params: dict[str, str],
        *,
        op: str,
        max_items: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Items of a Graph listing, following `paging.next` for at most `max_pages` pages."""
        url: str = path
        query: dict[str, str] | None = params
        count = 0
        for _ in range(self._max_pages):
            body = self._request(page, "GET", url, op=op, params=query)
            for item in body.get("data") or []:
                if isinstance(item, dict):
                    yield item
                    count += 1
                    if max_items is not None and count >= max_items:
                        return
            next_url = (body.get("paging") or {}).get("next")
            if not next_url:
                return
            url, query = self._same_host_or_none(str(next_url)), None
            if not url:
                logger.warning("graph paging left the API host; stopped", extra={"op": op})
                return

    def _same_host_or_none(self, next_url: str) -> str:
        """`paging.next` carries Meta's own query (often including access_token): keep it on our host and
        strip the token, which goes in the header instead."""
        parts, base = urlsplit(next_url), urlsplit(self._base)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return ""
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("access_token", "appsecret_proof")]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    # transport

    def _send(self, page: PageSettings, event: WebhookEvent, plan: PlannedRequest) -> dict[str, Any]:
        return self._request(
            page,
            plan.method,
            plan.path,
            op=plan.op,
            data=dict(plan.form) or None,
            json_body=plan.json,
            is_send=plan.is_send,
            log_keys={"platform": event.platform.value, "item_id": event.item_id, "account_id": event.account_id},
        )

    def _request(
        self,
        page: PageSettings,
        method: str,
        path_or_url: str,
        *,
        op: str,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        is_send: bool = False,
        log_keys: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        if not page.access_token:
            raise GraphTokenExpiredError(f"{op}: page {page.page_id} has no access token", code=190)
        url = path_or_url if "://" in path_or_url else f"{self._base}/{path_or_url.lstrip('/')}"
        query = dict(params or {})
        if self._app_secret:
            # appsecret_proof is an HMAC of the token, useless without it; Meta accepts it in the query.
            query["appsecret_proof"] = hmac.new(
                self._app_secret.encode(), page.access_token.encode(), hashlib.sha256
            ).hexdigest()
        headers = {"Authorization": f"Bearer {page.access_token}", "Accept": "application/json"}
        keys = {"op": op, "method": method, "page_id": page.page_id, **(log_keys or {})}
        started = time.monotonic()
        try:
            response = self._session.request(
                method, url, params=query or None, data=data, json=json_body, headers=headers, timeout=self._timeout
            )
        except requests.Timeout as exc:
            # A read timeout on a send may still have delivered; the issue classes timeouts as retryable.
            logger.warning("graph call timed out", extra=keys)
            raise GraphRetryableError(f"{op}: timed out after {self._timeout}s") from exc
        except requests.RequestException as exc:
            logger.warning("graph call failed to connect", extra={**keys, "error_type": type(exc).__name__})
            raise GraphRetryableError(f"{op}: connection failed ({type(exc).__name__})") from exc
        elapsed_ms = round((time.monotonic() - started) * 1000)
        try:
            body = response.json()
        except ValueError:
            body = None

        if response.status_code >= 400 or (isinstance(body, dict) and "error" in body):
            exc = classify_error(response.status_code, body, op=op, is_send=is_send, headers=response.headers)
            logger.warning(
                "graph call failed",
                extra={**keys, "status": response.status_code, "code": exc.code, "subcode": exc.subcode,
                       "error_class": type(exc).__name__, "elapsed_ms": elapsed_ms},
            )
            raise exc
        if not isinstance(body, dict):
            logger.warning("graph call returned no JSON", extra={**keys, "status": response.status_code})
            if is_send:
                raise GraphAmbiguousSendError(f"{op}: HTTP {response.status_code} without a JSON body (may have been sent)",
                                              status=response.status_code)
            raise GraphRetryableError(f"{op}: HTTP {response.status_code} without a JSON body", status=response.status_code)
        logger.info("graph call", extra={**keys, "status": response.status_code, "elapsed_ms": elapsed_ms})
        return body


# --- dry run / local -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphCall:
    """One call a DryRunGraphClient received. `text` is only ever the page's own configured wording."""

    op: str
    method: str
    path: str
    platform: str
    account_id: str
    target_id: str
    text: str = ""


class DryRunGraphClient:
    """Logs the calls it would make (method, path, ids; never text or token) and records them in `calls`.

    Used for DRY_RUN and local runs, and as the recording fake in pipeline tests. `comments` are the
    canned results of `list_recent_comments`; `failures` maps an operation name to errors raised (in
    order, once each) before the call is recorded, to script Graph failures without HTTP.
    """

    def __init__(
        self,
        comments: list[WebhookEvent] | None = None,
        failures: Mapping[str, list[BaseException]] | None = None,
        *,
        instagram_login: bool = False,
    ) -> None:
        self.calls: list[GraphCall] = []
        self.comments = list(comments or [])
        self.failures: dict[str, list[BaseException]] = {k: list(v) for k, v in (failures or {}).items()}
        self._instagram_login = instagram_login

    def hide_comment(self, page: PageSettings, event: WebhookEvent, hidden: bool = True) -> None:
        self._record(plan_request("hide_comment", page, event, hidden=hidden), event, "")

    def reply_to_comment(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        return self._record(plan_request("reply_to_comment", page, event, text=text), event, text)

    def private_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("private_reply", page, event, text=text, instagram_login=self._instagram_login)
        return self._record(plan, event, text)

    def send_message(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("send_message", page, event, text=text, instagram_login=self._instagram_login)
        return self._record(plan, event, text)

    def list_recent_comments(self, page: PageSettings, since: float) -> list[WebhookEvent]:
        self._fail_if_scripted("list_recent_comments")
        accounts = {page.page_id, page.instagram_id} - {""}
        return sorted(
            (e for e in self.comments if e.account_id in accounts and e.created_time >= since),
            key=lambda e: (e.created_time, e.item_id),
        )

    def check_token(self, page: PageSettings) -> None:
        self._fail_if_scripted("check_token")

    @property
    def ops(self) -> list[str]:
        return [c.op for c in self.calls]

    def _record(self, plan: PlannedRequest, event: WebhookEvent, text: str) -> str:
        self._fail_if_scripted(plan.op)
        target = plan.path.strip("/").split("/")[0]
        self.calls.append(GraphCall(plan.op, plan.method, plan.path, event.platform.value, event.account_id, target, text))
        if len(self.calls) > MAX_RECORDED_CALLS:  # a long-lived DRY_RUN process must not grow without bound
            del self.calls[: len(self.calls) - MAX_RECORDED_CALLS]
        logger.info(
            "dry run: graph call not sent",
            extra={"op": plan.op, "method": plan.method, "path": plan.path, "platform": event.platform.value,
                   "item_id": event.item_id, "surface": event.surface.value},
        )
        return f"dry-run:{uuid.uuid4()}"

    def _fail_if_scripted(self, op: str) -> None:
        queue = self.failures.get(op)
        if queue:
            raise queue.pop(0)


# --- listing rows -> events ----------------------------------------------------------------------


def _facebook_comment_event(page: PageSettings, post_id: str, item: Mapping[str, Any]) -> WebhookEvent | None:
    comment_id = str(item.get("id", ""))
    created = meta_time(item.get("created_time"))
    if not comment_id or created is None:
        return None
    sender = str((item.get("from") or {}).get("id", ""))
    parent = str((item.get("parent") or {}).get("id", "")) or post_id  # webhook convention: top level -> post id
    return WebhookEvent(
        platform=Platform.FACEBOOK,
        surface=Surface.COMMENT,
        account_id=page.page_id,
        item_id=comment_id,
        sender_id=sender,
        text=str(item.get("message", "")),
        created_time=created,
        verb="add",
        post_id=post_id,
        parent_id=parent,
        permalink=str(item.get("permalink_url", "")),
        authored_by_page=bool(sender) and sender == page.page_id,
        field="feed",
    )


def _instagram_comment_event(
    page: PageSettings, media_id: str, permalink: str, item: Mapping[str, Any], *, default_parent: str
) -> WebhookEvent | None:
    comment_id = str(item.get("id", ""))
    created = meta_time(item.get("timestamp"))
    if not comment_id or created is None:
        return None
    sender = str((item.get("from") or {}).get("id", ""))
    return WebhookEvent(
        platform=Platform.INSTAGRAM,
        surface=Surface.COMMENT,
        account_id=page.instagram_id,
        item_id=comment_id,
        sender_id=sender,
        text=str(item.get("text", "")),
        created_time=created,
        verb="add",
        post_id=media_id,
        parent_id=str(item.get("parent_id", "")) or default_parent,
        permalink=permalink,
        authored_by_page=bool(sender) and sender == page.instagram_id,
        field="comments",
    )


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Retry-After seconds, else the largest estimated_time_to_regain_access (minutes) in BUC usage."""
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    usage = headers.get("X-Business-Use-Case-Usage") if hasattr(headers, "get") else None
    if usage:
        try:
            entries = [e for rows in json.loads(usage).values() for e in rows]
            minutes = max((float(e.get("estimated_time_to_regain_access") or 0) for e in entries), default=0.0)
            return minutes * 60 if minutes > 0 else None
        except (ValueError, AttributeError, TypeError):
            return None
    return None
