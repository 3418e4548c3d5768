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

# Meta sends `edited` for comment edits and has been seen sending `edit` for post edits (REFERENCE.md §3a).
_FEED_VERBS = {"add": "add", "edited": "edited", "edit": "edited"}
# Feed items that are posts on the page's timeline, by the page or by a visitor, with the attachment they imply.
_FEED_POST_ITEMS = {"status": "", "post": "", "photo": "photo", "video": "video", "share": "share", "link": "share"}
_IG_COMMENT_FIELDS = {"comments", "live_comments"}
# Attachment types as the professional thinks of them. Comment webhooks carry `photo` / `video` URLs; Graph's
# comment `attachment.type` and Messenger's attachment types use the other names.
_ATTACHMENT_TYPES = {
    "photo": "photo", "image": "photo", "video": "video", "video_inline": "video", "video_autoplay": "video",
    "animated_image_share": "gif", "animated_image_autoplay": "gif", "animated_image_video": "gif", "gif": "gif",
    "sticker": "sticker", "share": "share", "link": "share",
}
# Messaging keys that frame an event rather than name its kind.
_MESSAGING_FRAME_KEYS = {"sender", "recipient", "timestamp"}


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
    """Visitor items to moderate, the page's own content to check, and what was skipped, by kind."""

    events: tuple[WebhookEvent, ...] = ()
    own_content: tuple[WebhookEvent, ...] = ()
    skipped: int = 0
    skipped_kinds: tuple[str, ...] = ()  # one entry per skipped item, e.g. "messaging:read", "feed:like:add"

    @property
    def all_events(self) -> tuple[WebhookEvent, ...]:
        return self.events + self.own_content


@dataclass
class _Collector:
    events: list[WebhookEvent] = field(default_factory=list)
    own: list[WebhookEvent] = field(default_factory=list)
    skipped_kinds: list[str] = field(default_factory=list)

    def add(self, event: WebhookEvent) -> None:
        (self.own if event.authored_by_page else self.events).append(event)

    def skip(self, reason: str, *, kind: str, **ids: Any) -> None:
        """Nothing is dropped silently: every skipped item is logged with its kind and ids (never its text)."""
        kind = _short(kind)
        self.skipped_kinds.append(kind)
        logger.info("webhook item skipped", extra={"skip_reason": reason, "kind": kind,
                                                   **{k: _short(str(v)) for k, v in ids.items()}})


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
    """Turn a decoded webhook into typed events. Unknown shapes are logged by kind and id and skipped."""
    platform = Platform.FACEBOOK if payload.get("object") == "page" else Platform.INSTAGRAM
    out = _Collector()
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            out.skip("entry without id", kind="entry")
            continue
        account_id = str(entry["id"])
        entry_time = meta_time(entry.get("time")) or 0.0  # only a fallback: never a reason to refuse
        changes = _dicts(entry.get("changes"))
        if not changes and "field" in entry and "value" in entry:
            # Instagram Login documents comment entries with field/value on the entry itself (REFERENCE.md §3c).
            changes = [{"field": entry.get("field"), "value": entry.get("value")}]
        for change in changes:
            try:
                _parse_change(platform, account_id, entry_time, change, out)
            except (KeyError, TypeError, ValueError, AttributeError):
                out.skip("malformed change", kind=f"change:{change.get('field')}", account_id=account_id)
        for messaging in _dicts(entry.get("messaging")):
            _parse_messaging_safely(platform, account_id, messaging, out, standby=False)
        for messaging in _dicts(entry.get("standby")):
            # Standby: another app or a human agent owns the thread (handover protocol). Still checked, so a
            # crisis there is alerted; policy never answers it.
            _parse_messaging_safely(platform, account_id, messaging, out, standby=True)
        if not (changes or _dicts(entry.get("messaging")) or _dicts(entry.get("standby"))):
            out.skip("entry of unknown shape", kind="entry:" + ",".join(sorted(str(k) for k in entry)),
                     account_id=account_id)
    return ParseResult(events=tuple(out.events), own_content=tuple(out.own), skipped=len(out.skipped_kinds),
                       skipped_kinds=tuple(out.skipped_kinds))


def _parse_messaging_safely(platform: Platform, account_id: str, messaging: dict, out: _Collector, *,
                            standby: bool, meta_test: bool = False) -> None:
    try:
        _parse_messaging(platform, account_id, messaging, out, standby=standby, meta_test=meta_test)
    except (KeyError, TypeError, ValueError, AttributeError):
        out.skip("malformed messaging item", kind="standby" if standby else "messaging", account_id=account_id)


def _parse_change(platform: Platform, account_id: str, entry_time: float, change: dict, out: _Collector) -> None:
    field_name = change.get("field")
    value = change.get("value")
    if not isinstance(value, dict):
        out.skip("change without value", kind=f"change:{field_name}", account_id=account_id)
        return
    if platform is Platform.FACEBOOK and field_name == "feed":
        _parse_feed(account_id, value, out)
    elif platform is Platform.FACEBOOK and field_name == "ratings":
        _parse_rating(account_id, value, out)
    elif platform is Platform.INSTAGRAM and field_name in _IG_COMMENT_FIELDS:
        _parse_ig_comment(account_id, entry_time, str(field_name), value, out)
    elif field_name == "messages":
        # The App Dashboard's "Test" button wraps a sample message in changes[] (REFERENCE.md §3d); real
        # traffic comes in messaging[]. Checked like any message, but no person wrote it: never answered.
        _parse_messaging_safely(platform, account_id, value, out, standby=False, meta_test=True)
    else:
        out.skip("unsupported field", kind=f"change:{field_name}", account_id=account_id)


def _author(value: dict) -> str:
    """Who wrote a feed item: `from.id`, or `sender_id` in the older feed shapes that have no `from`."""
    sender = value.get("from")
    author = sender.get("id") if isinstance(sender, dict) else None
    if not author:
        author = value.get("sender_id")
    return str(author or "")


def _attachments(value: dict, implied: str = "") -> tuple[str, ...]:
    """Attachment types of a feed item or comment, without their URLs."""
    found = [implied] if implied else []
    # Not `link`: on a photo post it is the photo's own address, not a shared link.
    for key in ("photo", "video", "sticker"):
        if value.get(key):
            found.append(_ATTACHMENT_TYPES[key])
    attachment = value.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type"):
        found.append(_ATTACHMENT_TYPES.get(str(attachment["type"]), "other"))
    # A GIF arrives as a photo or video whose URL is a .gif: say so, it is what the professional saw.
    urls = " ".join(str(value.get(k) or "") for k in ("photo", "video")).lower()
    if ".gif" in urls:
        found = ["gif" if t in ("photo", "video") else t for t in found]
    return tuple(dict.fromkeys(found))


def _parse_feed(account_id: str, value: dict, out: _Collector) -> None:
    item = value.get("item")
    verb = value.get("verb")
    author = _author(value)
    if item == "comment":
        comment_id = value.get("comment_id")
        if verb not in _FEED_VERBS or not comment_id:
            out.skip("feed comment not add/edited", kind=f"feed:comment:{verb}", item_id=str(comment_id))
            return
        post = value.get("post") if isinstance(value.get("post"), dict) else {}
        out.add(_facebook_item(
            account_id, value, verb, item_id=str(comment_id), sender_id=author, text=str(value.get("message") or ""),
            post_id=str(value.get("post_id") or ""), parent_id=str(value.get("parent_id") or ""),
            permalink=str(post.get("permalink_url") or ""), attachment_types=_attachments(value), field="feed",
        ))
    elif item in _FEED_POST_ITEMS:
        _parse_feed_post(account_id, str(item), verb, author, value, out)
    elif item == "rating":
        # `rating` is in the feed item enum too (REFERENCE.md §3a): the same recommendation shape as `ratings`.
        _parse_rating(account_id, value, out)
    else:
        out.skip("feed item not moderated", kind=f"feed:{item}:{verb}", account_id=account_id,
                 item_id=str(value.get("post_id") or value.get("comment_id") or ""))


def _parse_feed_post(account_id: str, item: str, verb: Any, author: str, value: dict, out: _Collector) -> None:
    """A post on the page's timeline: the page's own (checked for client details) or a visitor's (moderated
    like a comment: a visitor's post on a Page is as public as a comment)."""
    post_id = str(value.get("post_id") or "")
    if verb not in _FEED_VERBS or not post_id:
        out.skip("feed post not add/edited", kind=f"feed:{item}:{verb}", item_id=post_id)
        return
    if not author:
        # Without an author PageGuard cannot tell the page's own post from a visitor's; hiding the page's
        # own post would be worse than missing one, so it is logged and left to reconcile.
        out.skip("feed post without author", kind=f"feed:{item}:{verb}", item_id=post_id)
        return
    text = str(value.get("message") or "")
    attachments = _attachments(value, _FEED_POST_ITEMS[item])
    if author == account_id and not text:
        out.skip("page's own post without text", kind=f"feed:{item}:{verb}", item_id=post_id)
        return
    out.add(_facebook_item(
        account_id, value, verb, item_id=post_id, sender_id=author, text=text, post_id=post_id,
        permalink=str(value.get("permalink_url") or ""), attachment_types=attachments, field="feed",
        surface=Surface.POST,
    ))


def _parse_rating(account_id: str, value: dict, out: _Collector) -> None:
    """A recommendation (`review_text`) or a comment under one (`item: comment`). Shapes: Page webhook
    reference, field `ratings`; the reviewer is `reviewer_id` (older) or `reviewer{id}`."""
    item = value.get("item") or "rating"
    verb = value.get("verb") or "add"
    story_id = str(value.get("open_graph_story_id") or "")
    reviewer = value.get("reviewer") if isinstance(value.get("reviewer"), dict) else {}
    author = str(reviewer.get("id") or value.get("reviewer_id") or "") or _author(value)
    if verb not in _FEED_VERBS:
        out.skip("rating not add/edited", kind=f"ratings:{item}:{verb}", item_id=story_id)
        return
    if item == "comment":
        item_id, text, parent_id = str(value.get("comment_id") or ""), str(value.get("message") or ""), story_id
    else:
        item_id, text, parent_id = story_id, str(value.get("review_text") or ""), ""
    if not item_id:
        out.skip("rating without id", kind=f"ratings:{item}:{verb}", account_id=account_id)
        return
    if not text.strip():
        out.skip("rating without text", kind=f"ratings:{item}:{verb}", item_id=item_id)
        return
    out.add(_facebook_item(
        account_id, value, verb, item_id=item_id, sender_id=author, text=text, post_id=story_id,
        parent_id=parent_id, field="ratings", surface=Surface.REVIEW,
    ))


def _facebook_item(account_id: str, value: dict, verb: str, **fields: Any) -> WebhookEvent:
    """A Page comment, post or review: written by the page itself when its author is the page."""
    return WebhookEvent.comment(Platform.FACEBOOK, account_id=account_id, created_time=_seconds(value.get("created_time")),
                                verb=_FEED_VERBS[verb], **fields)


def _parse_ig_comment(account_id: str, entry_time: float, field_name: str, value: dict, out: _Collector) -> None:
    # Instagram-Login and Facebook-Login payloads name the id differently (REFERENCE.md §8.9).
    comment_id = value.get("id") or value.get("comment_id")
    if not comment_id:
        out.skip("instagram comment without id", kind=f"change:{field_name}", account_id=account_id)
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


def _parse_messaging(platform: Platform, account_id: str, messaging: dict, out: _Collector, *, standby: bool,
                     meta_test: bool) -> None:
    where = "standby" if standby else "messaging"
    sender_id = str((messaging.get("sender") or {}).get("id") or "")
    edit = messaging.get("message_edit")
    message = edit if isinstance(edit, dict) else messaging.get("message")
    if not isinstance(message, dict):
        kind = next((str(k) for k in messaging if k not in _MESSAGING_FRAME_KEYS), "empty")
        out.skip("messaging event without a message", kind=f"{where}:{kind}", account_id=account_id)
        return
    is_edit = message is edit
    kind = f"{where}:{'message_edit' if is_edit else 'message'}"
    mid = message.get("mid")
    if message.get("is_echo") or sender_id == account_id:
        # Echoes of the page's own sends (PageGuard's replies, or a human agent on standby): never moderated.
        out.skip("echo", kind=kind, account_id=account_id, item_id=str(mid))
        return
    if message.get("is_deleted") or not mid:
        out.skip("deleted or id-less message", kind=kind, account_id=account_id, item_id=str(mid))
        return
    attachments = tuple(
        _ATTACHMENT_TYPES.get(str(a.get("type") or ""), str(a.get("type") or "unknown"))
        for a in _dicts(message.get("attachments"))
    )
    if message.get("sticker_id"):
        attachments += ("sticker",)  # Messenger's "like" thumb is a sticker with no text
    out.add(
        WebhookEvent(
            platform=platform,
            surface=Surface.MESSAGE,
            account_id=account_id,
            item_id=str(mid),
            sender_id=sender_id,
            text=str(message.get("text") or ""),
            created_time=_seconds(messaging.get("timestamp")),
            verb="edit" if is_edit else "message",
            attachment_types=tuple(dict.fromkeys(attachments)),
            field="message_edits" if is_edit else ("standby" if standby else "messages"),
            standby=standby,
            meta_test=meta_test,
        )
    )


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _short(value: str, limit: int = 80) -> str:
    """Kinds and ids are Meta's names and numbers; bound them anyway, a log line is no place for a payload."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _seconds(value: Any) -> float:
    if value is not None and not isinstance(value, (str, int, float)):
        raise TypeError("a time of unknown shape")  # the caller skips the item and logs it
    return meta_time(value) or 0.0
