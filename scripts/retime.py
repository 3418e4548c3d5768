"""Move a stored Meta payload's times to now, so a sample webhook is inside PageGuard's replay window.

The fixtures in tests/fixtures/meta/ were captured in 2025; PageGuard skips items older than
REPLAY_WINDOW_DAYS at intake. `retime` shifts every `time`, `created_time` and `timestamp` by the same
amount (milliseconds stay milliseconds), so the newest becomes `now` and the order is kept. The result is
new bytes: sign them, not the stored file.
"""

from __future__ import annotations

import json
import time
from typing import Any

TIME_KEYS = ("time", "created_time", "timestamp")
_MILLIS = 10_000_000_000  # Meta's messaging times are milliseconds (models.meta_time uses the same cut)


def retime(body: bytes, now: float | None = None) -> bytes:
    payload = json.loads(body)
    found: list[float] = []
    _walk(payload, lambda seconds: found.append(seconds) or seconds)
    if not found:
        return body
    delta = (time.time() if now is None else now) - max(found)
    _walk(payload, lambda seconds: seconds + delta)
    return json.dumps(payload).encode("utf-8")


def _walk(node: Any, shift: Any) -> None:
    if isinstance(node, list):
        for child in node:
            _walk(child, shift)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in TIME_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                millis = value > _MILLIS
                seconds = shift(value / 1000 if millis else value)
                node[key] = int(round(seconds * 1000)) if millis else int(seconds)
            else:
                _walk(value, shift)
