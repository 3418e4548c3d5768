"""Typed, frozen values that cross module boundaries: webhook events and detection verdicts."""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class Platform(str, enum.Enum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


class Surface(str, enum.Enum):
    COMMENT = "comment"
    MESSAGE = "message"
    POST = "post"  # a visitor's post on the page's timeline (feed item post/status/photo/... from a visitor)
    REVIEW = "review"  # a recommendation (ratings review_text) or a comment on one: cannot be hidden


class Label(str, enum.Enum):
    OK = "ok"
    SENSITIVE = "sensitive"
    CRISIS = "crisis"


@dataclass(frozen=True)
class Entity:
    """One thing a recognizer found: its type and character span in the text, never the text itself."""

    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Verdict:
    """What detection decided about one text. `reason` is built from entity types only."""

    label: Label
    entities: tuple[Entity, ...] = ()
    reason: str = ""
    language: str = ""  # "en", "es", or another language PageGuard detected but cannot judge ("fr")

    @property
    def entity_types(self) -> tuple[str, ...]:
        return tuple(sorted({e.type for e in self.entities}))

    @property
    def unsupported_language(self) -> bool:
        """Written in a language detection was not built for: an "ok" here means "not checked"."""
        return bool(self.language) and self.language not in ("en", "es")


@dataclass(frozen=True)
class WebhookEvent:
    """One comment or direct message from Meta, converted once at the edge.

    `authored_by_page` is true for the page's (or Instagram account's) own comments and posts:
    they are never moderated as a visitor's item, only checked for client details.
    """

    platform: Platform
    surface: Surface
    account_id: str  # entry.id: the Facebook Page id or the Instagram professional account id
    item_id: str  # comment id or message mid
    sender_id: str  # commenter id, PSID or IGSID
    text: str = field(repr=False)  # the visitor's words: never in a repr (logs, tracebacks)
    created_time: float  # Unix seconds
    verb: str = "add"  # comments, posts, reviews: add | edited; messages: message | edit (message_edit)
    post_id: str = ""  # Facebook post id or Instagram media id
    parent_id: str = ""
    permalink: str = ""
    attachment_types: tuple[str, ...] = ()
    authored_by_page: bool = False
    field: str = ""  # Meta's webhook field: feed, ratings, comments, live_comments, messages
    # Messaging only. standby: the thread belongs to another app or a human agent (handover protocol), so
    # PageGuard never answers it. meta_test: the App Dashboard's "Test" sample, which no person wrote.
    standby: bool = False
    meta_test: bool = False

    @classmethod
    def comment(
        cls, platform: Platform, *, account_id: str, item_id: str, sender_id: str, text: str, created_time: float,
        field: str, verb: str = "add", post_id: str = "", parent_id: str = "", permalink: str = "",
        attachment_types: tuple[str, ...] = (), surface: Surface = Surface.COMMENT,
    ) -> "WebhookEvent":
        """A comment (or the page's own post) as webhooks and Graph listings both describe it; written by
        the page itself when the author is the account it arrived for."""
        return cls(
            platform=platform, surface=surface, account_id=account_id, item_id=item_id, sender_id=sender_id,
            text=text, created_time=created_time, verb=verb, post_id=post_id, parent_id=parent_id,
            permalink=permalink, attachment_types=attachment_types,
            authored_by_page=bool(sender_id) and sender_id == account_id, field=field,
        )

    @property
    def event_key(self) -> str:
        """Dedupe key: the same comment version or message delivered twice has the same key."""
        return f"{self.platform.value}:{self.surface.value}:{self.item_id}:{self.verb}:{int(self.created_time)}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["platform"] = self.platform.value
        data["surface"] = self.surface.value
        data["attachment_types"] = list(self.attachment_types)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WebhookEvent":
        values = dict(data)
        values["platform"] = Platform(values["platform"])
        values["surface"] = Surface(values["surface"])
        values["attachment_types"] = tuple(values.get("attachment_types", ()))
        return cls(**values)


class ActionKind(str, enum.Enum):
    HIDE = "hide"  # hide a comment (Facebook is_hidden=true, Instagram hide=true)
    PUBLIC_REPLY = "public_reply"  # reply under the comment
    PRIVATE_REPLY = "private_reply"  # one Messenger/Instagram DM to the commenter, keyed by comment id
    SEND_MESSAGE = "send_message"  # Send API reply to a DM (messaging_type RESPONSE)
    ALERT = "alert"  # email the professional


@dataclass(frozen=True)
class Action:
    """One step the worker takes. `text` is always the page's own configured wording, never the visitor's."""

    kind: ActionKind
    text: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Decision:
    """What policy decided for one event."""

    verdict: Verdict
    actions: tuple[Action, ...] = ()
    note: str = ""  # a short, text-free explanation such as "own post with client details"


def meta_time(value: Any) -> float | None:
    """Meta's times in Unix seconds: feed sends seconds, messaging milliseconds, Graph listings ISO 8601."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isascii() and value.replace(".", "", 1).isdigit()):
        try:
            number = float(value)
        except (OverflowError, ValueError):  # too large for a float; or digits float() refuses, like "²"
            return None
        if not math.isfinite(number) or number < 0:
            return None
        return number / 1000.0 if number > 10_000_000_000 else number
    if isinstance(value, str):
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").timestamp()
        except ValueError:
            try:
                return datetime.fromisoformat(value).timestamp()
            except ValueError:
                return None
    return None
