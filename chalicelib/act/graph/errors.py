"""Meta's Graph API errors classified once (REFERENCE.md §6): codes and HTTP status -> chalicelib.errors types.

Meta's own `message` is never kept: user-facing error texts can name the recipient.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from chalicelib.errors import (
    GraphAmbiguousSendError,
    GraphError,
    GraphPermanentError,
    GraphRetryableError,
    GraphTokenExpiredError,
)

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
    elif is_outside_window(exc):
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
