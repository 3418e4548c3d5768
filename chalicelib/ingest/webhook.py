"""Meta webhook handling with no I/O: signature check, subscription handshake, and parsing into events."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from aws_lambda_powertools import Logger

from chalicelib.errors import WebhookPayloadError, WebhookSignatureError
from chalicelib.models import Platform, Surface, WebhookEvent, meta_time

logger = Logger(service="pageguard", child=True)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
# What can reach the function at all: API Gateway (REST) takes bodies up to 10 MB, but Lambda's synchronous
# invocation payload is 6 MB (6,291,456 bytes) for the whole proxy event, so a larger body never reaches
# us on AWS (API Gateway answers 5xx itself). The check matters locally and keeps the two in line; never
# cap lower, because Meta batches up to 1,000 changes in one POST and retries a refused batch until it
# drops it (REFERENCE.md §2, §4).
MAX_BODY_BYTES = 6 * 1024 * 1024

_FEED_COMMENT_VERBS = {"add": "add", "edited": "edited", "edit": "edited"}
_FEED_POST_ITEMS = {"status", "post", "photo", "video", "share", "link"}
_IG_COMMENT_FIELDS = {"comments", "live_comments"}


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 value Meta sends for `body`: HMAC-SHA256 over the raw bytes."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> None:
    """Raise WebhookSignatureError unless `header` is Meta's signature of the exact raw `body`."""
    if not secret:
        # Without a secret nothing can be verified: refuse rather than accept unsigned input.
        raise WebhookSignatureError("no app secret configured")
    if not header:
        raise WebhookSignatureError("missing signature header")
    if not header.startswith(SIGNATURE_PREFIX):
        raise WebhookSignatureError("signature must start with sha256=")
    if not hmac.compare_digest(sign(body, secret).encode("ascii"), header.strip().lower().encode("ascii", "replace")):
        raise WebhookSignatureError("signature does not match body")


def answer_subscription(params: Mapping[str, str] | None, verify_token: str) -> str:
    """Return hub.challenge for a valid subscription handshake; raise WebhookSignatureError otherwise."""
    params = params or {}
    if not verify_token:
        raise WebhookSignatureError("no verify token configured")
    if params.get("hub.mode") != "subscribe":
        raise WebhookSignatureError("hub.mode must be subscribe")
    token = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8")):
        raise WebhookSignatureError("verify token does not match")
    challenge = params.get("hub.challenge")
    if not challenge:
        raise WebhookSignatureError("hub.challenge missing")
    return challenge


@dataclass(frozen=True)
class ParseResult:
    """Visitor items to moderate, the page's own content to check, and how many items were skipped."""

    events: tuple[WebhookEvent, ...] = ()
    own_content: tuple[WebhookEvent, ...] = ()
    skipped: int = 0

    @property
    def all_events(self) -> tuple[WebhookEvent, ...]:
        return self.events + self.own_content


@dataclass
class _Collector:
    events: list[WebhookEvent] = field(default_factory=list)
    own: list[WebhookEvent] = field(default_factory=list)
    skipped: int = 0

    def add(self, event: WebhookEvent) -> None:
        (self.own if event.authored_by_page else self.events).append(event)

    def skip(self, reason: str, **ids: Any) -> None:
        self.skipped += 1
        logger.info("webhook item skipped", extra={"skip_reason": reason, **ids})


def parse_body(body: bytes) -> dict[str, Any]:
    """Decode a signed body; raise WebhookPayloadError when it is not a page/instagram webhook."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookPayloadError("body is not valid JSON") from exc
    except RecursionError as exc:  # thousands of nested arrays: a 400, not a 500 that Meta retries for 36 h
        raise WebhookPayloadError("body is nested too deeply") from exc
    if not isinstance(payload, dict):
        raise WebhookPayloadError("body must be a JSON object")
    if payload.get("object") not in ("page", "instagram"):
        raise WebhookPayloadError("object must be 'page' or 'instagram'")
    if not isinstance(payload.get("entry"), list):
        raise WebhookPayloadError("entry must be a list")
    return payload


def parse_events(payload: Mapping[str, Any]) -> ParseResult:
    """Turn a decoded webhook into typed events. Unknown shapes are logged by id and skipped."""
    platform = Platform.FACEBOOK if payload.get("object") == "page" else Platform.INSTAGRAM
    out = _Collector()
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            out.skip("entry without id")
            continue
        account_id = str(entry["id"])
        entry_time = meta_time(entry.get("time")) or 0.0  # only a fallback: never a reason to refuse
        for change in _dicts(entry.get("changes")):
            try:
                _parse_change(platform, account_id, entry_time, change, out)
            except (KeyError, TypeError, ValueError, AttributeError):
                out.skip("malformed change", account_id=account_id, field=str(change.get("field")))
        for messaging in _dicts(entry.get("messaging")):
            try:
                _parse_messaging(platform, account_id, messaging, out)
            except (KeyError, TypeError, ValueError, AttributeError):
                out.skip("malformed messaging item", account_id=account_id)
        for _ in _dicts(entry.get("standby")):
            # Standby: another app owns the thread (handover protocol); that app answers it.
            out.skip("standby messaging", account_id=account_id)
    return ParseResult(events=tuple(out.events), own_content=tuple(out.own), skipped=out.skipped)


def _parse_change(platform: Platform, account_id: str, entry_time: float, change: dict, out: _Collector) -> None:
    field_name = change.get("field")
    value = change.get("value")
    if not isinstance(value, dict):
        out.skip("change without value", account_id=account_id, field=str(field_name))
        return
    if platform is Platform.FACEBOOK and field_name == "feed":
        _parse_feed(account_id, value, out)
    elif platform is Platform.INSTAGRAM and field_name in _IG_COMMENT_FIELDS:
        _parse_ig_comment(account_id, entry_time, str(field_name), value, out)
    elif platform is Platform.INSTAGRAM and field_name == "messages":
        # The App Dashboard's "Test" button wraps IG messages in changes[] (REFERENCE.md §3).
        _parse_messaging(platform, account_id, value, out)
    else:
        out.skip("unsupported field", account_id=account_id, field=str(field_name))


def _parse_feed(account_id: str, value: dict, out: _Collector) -> None:
    item = value.get("item")
    verb = value.get("verb")
    sender_id = str((value.get("from") or {}).get("id") or "")
    by_page = sender_id == account_id
    if item == "comment":
        comment_id = value.get("comment_id")
        if verb not in _FEED_COMMENT_VERBS or not comment_id:
            out.skip("feed comment not add/edited", account_id=account_id, item_id=str(comment_id), verb=str(verb))
            return
        post = value.get("post") or {}
        out.add(
            WebhookEvent.comment(
                Platform.FACEBOOK,
                account_id=account_id,
                item_id=str(comment_id),
                sender_id=sender_id,
                text=str(value.get("message") or ""),
                created_time=_seconds(value.get("created_time")),
                verb=_FEED_COMMENT_VERBS[verb],
                post_id=str(value.get("post_id") or ""),
                parent_id=str(value.get("parent_id") or ""),
                permalink=str(post.get("permalink_url") or ""),
                attachment_types=("photo",) if value.get("photo") else (),
                field="feed",
            )
        )
    elif item in _FEED_POST_ITEMS and verb in ("add", "edited") and by_page and value.get("message"):
        # The page's own post: never moderated, only checked for client details (alert only).
        post_id = str(value.get("post_id") or "")
        out.add(
            WebhookEvent.comment(
                Platform.FACEBOOK,
                account_id=account_id,
                item_id=post_id,
                sender_id=sender_id,  # by_page: the account itself, so authored_by_page
                text=str(value["message"]),
                created_time=_seconds(value.get("created_time")),
                verb=str(verb),
                post_id=post_id,
                field="feed",
            )
        )
    else:
        out.skip("feed item not moderated", account_id=account_id, item=str(item), verb=str(verb))


def _parse_ig_comment(account_id: str, entry_time: float, field_name: str, value: dict, out: _Collector) -> None:
    # Instagram-Login and Facebook-Login payloads name the id differently (REFERENCE.md §8.9).
    comment_id = value.get("id") or value.get("comment_id")
    if not comment_id:
        out.skip("instagram comment without id", account_id=account_id)
        return
    sender_id = str((value.get("from") or {}).get("id") or "")
    out.add(
        WebhookEvent.comment(
            Platform.INSTAGRAM,
            account_id=account_id,
            item_id=str(comment_id),
            sender_id=sender_id,
            text=str(value.get("text") or ""),
            created_time=_seconds(value.get("timestamp")) or entry_time,
            post_id=str((value.get("media") or {}).get("id") or ""),
            parent_id=str(value.get("parent_id") or ""),
            field=field_name,
        )
    )


def _parse_messaging(platform: Platform, account_id: str, messaging: dict, out: _Collector) -> None:
    message = messaging.get("message")
    if not isinstance(message, dict):
        kind = next((k for k in ("delivery", "read", "reaction", "postback", "referral", "optin") if k in messaging), "other")
        out.skip(f"messaging {kind} event", account_id=account_id)
        return
    mid = message.get("mid")
    sender_id = str((messaging.get("sender") or {}).get("id") or "")
    if message.get("is_echo") or sender_id == account_id:
        # Echoes of the page's own sends, including PageGuard's replies: never moderated (no loops).
        out.skip("echo", account_id=account_id, item_id=str(mid))
        return
    if message.get("is_deleted") or not mid:
        out.skip("deleted or id-less message", account_id=account_id, item_id=str(mid))
        return
    attachments = tuple(
        str(a.get("type") or "unknown") for a in _dicts(message.get("attachments"))
    )
    out.add(
        WebhookEvent(
            platform=platform,
            surface=Surface.MESSAGE,
            account_id=account_id,
            item_id=str(mid),
            sender_id=sender_id,
            text=str(message.get("text") or ""),
            created_time=_seconds(messaging.get("timestamp")),
            verb="message",
            attachment_types=attachments,
            field="messages",
        )
    )


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _seconds(value: Any) -> float:
    if value is not None and not isinstance(value, (str, int, float)):
        raise TypeError("a time of unknown shape")  # the caller skips the item and logs it
    return meta_time(value) or 0.0
