"""`HttpGraphClient`: the Graph API over HTTP with the page's token in the Authorization header, never in URLs.

Logs carry the operation, platform, ids and HTTP status; never a token or a text.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Iterator, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from aws_lambda_powertools import Logger

from chalicelib.act.graph.errors import classify_error
from chalicelib.act.graph.requests import PlannedRequest, is_graph_id, message_path, plan_request
from chalicelib.config import LOCAL_APP_SECRET, PageSettings, Settings
from chalicelib.errors import GraphAmbiguousSendError, GraphPermanentError, GraphRetryableError, GraphTokenExpiredError
from chalicelib.models import Platform, Surface, WebhookEvent, meta_time

logger = Logger(service="pageguard", child=True)

MAX_LISTING_PAGES = 10  # pages followed per listing (posts, comments of one post)
MAX_POSTS = 25  # most recent posts / media scanned by list_recent_comments


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

    def delete_comment(self, page: PageSettings, event: WebhookEvent) -> None:
        body = self._send(page, event, plan_request("delete_comment", page, event))
        if body.get("success") is not True:
            raise GraphPermanentError("delete_comment: Meta did not confirm success", status=200)

    # reads

    def check_token(self, page: PageSettings) -> None:
        self.request(page, "GET", "/me", op="check_token", params={"fields": "id"})

    def fetch_message_text(self, page: PageSettings, event: WebhookEvent) -> str:
        body = self.request(page, "GET", message_path(event), op="fetch_message", params={"fields": "message"},
                            log_keys={"platform": event.platform.value, "item_id": event.item_id})
        return str(body.get("message") or "")

    def find_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("reply_to_comment", page, event, text=text)  # the edge the reply was sent to
        field = "text" if event.platform is Platform.INSTAGRAM else "message"
        for item in self._listing(page, plan.path, {"fields": f"id,{field}", "limit": "100"}, op="find_reply"):
            if str(item.get(field) or "").strip() == text.strip():
                return str(item.get("id", ""))
        return ""

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
        posts = self._recent_posts(page, "published_posts", "id,permalink_url,created_time", op="list_posts")
        for post in list(posts):
            post_id = str(post.get("id", ""))
            if is_graph_id(post_id):  # else missing, or not something to put in a path
                yield from self._comments_of(page, post_id, since)
        yield from self._facebook_visitor_posts(page, since)

    def _recent_posts(self, page: PageSettings, edge: str, fields: str, *, op: str) -> Iterator[dict[str, Any]]:
        """The page's `max_posts` most recent posts on one edge (published_posts: its own; feed: visitors' too)."""
        params = {"fields": fields, "limit": str(self._max_posts)}
        return self._listing(page, f"/{page.page_id}/{edge}", params, op=op, max_items=self._max_posts)

    def _comments_of(self, page: PageSettings, post_id: str, since: float) -> Iterator[WebhookEvent]:
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

    def _facebook_visitor_posts(self, page: PageSettings, since: float) -> Iterator[WebhookEvent]:
        """Visitors' posts on the page's timeline and the comments under them: `published_posts` holds only
        the page's own posts, the `feed` edge holds visitors' posts too (Page feed reference)."""
        feed = self._recent_posts(page, "feed", "id,from,message,created_time,permalink_url", op="list_feed")
        for post in list(feed):
            post_id = str(post.get("id", ""))
            author = str((post.get("from") or {}).get("id", ""))
            if not is_graph_id(post_id) or not author or author == page.page_id:
                continue  # the page's own posts were listed above; an author-less post is never guessed
            created = meta_time(post.get("created_time"))
            if created is not None and created >= since and str(post.get("message") or "").strip():
                yield WebhookEvent.comment(
                    Platform.FACEBOOK, account_id=page.page_id, item_id=post_id, sender_id=author,
                    text=str(post["message"]), created_time=created, post_id=post_id,
                    permalink=str(post.get("permalink_url", "")), field="feed", surface=Surface.POST,
                )
            yield from self._comments_of(page, post_id, since)

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
            body = self.request(page, "GET", url, op=op, params=query)
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
        return self.request(
            page,
            plan.method,
            plan.path,
            op=plan.op,
            data=dict(plan.form) or None,
            json_body=plan.json,
            is_send=plan.is_send,
            log_keys={"platform": event.platform.value, "item_id": event.item_id, "account_id": event.account_id},
        )

    def request(
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
        """One Graph call with the page's token (and appsecret_proof); errors classified. The operator tools'
        reads and writes that the pipeline never makes (subscriptions) go through here too."""
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
            # Retryable even on a send that may have been delivered: a lost hide or reply is worse than a late
            # one, and the retry of a public reply looks for it on Meta first (docs/reliability.md, "A crashed
            # worker doesn't lock an item forever").
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




# --- listing rows -> events ----------------------------------------------------------------------


def _facebook_comment_event(page: PageSettings, post_id: str, item: Mapping[str, Any]) -> WebhookEvent | None:
    comment_id = str(item.get("id", ""))
    created = meta_time(item.get("created_time"))
    if not comment_id or created is None:
        return None
    sender = str((item.get("from") or {}).get("id", ""))
    parent = str((item.get("parent") or {}).get("id", "")) or post_id  # webhook convention: top level -> post id
    return WebhookEvent.comment(
        Platform.FACEBOOK,
        account_id=page.page_id,
        item_id=comment_id,
        sender_id=sender,
        text=str(item.get("message", "")),
        created_time=created,
        post_id=post_id,
        parent_id=parent,
        permalink=str(item.get("permalink_url", "")),
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
    return WebhookEvent.comment(
        Platform.INSTAGRAM,
        account_id=page.instagram_id,
        item_id=comment_id,
        sender_id=sender,
        text=str(item.get("text", "")),
        created_time=created,
        post_id=media_id,
        parent_id=str(item.get("parent_id", "")) or default_parent,
        permalink=permalink,
        field="comments",
    )


