"""Adds the signed console links to every outgoing alert, just before it is sent."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

from chalicelib.act.alerts import Alert
from chalicelib.act.notifier import Notifier
from chalicelib.console.sessions import link_token, sign_in_url


class SignedLinkNotifier:
    """Wraps a Notifier: each alert gets a review link (and an undo link for a hidden comment) that signs
    its recipient in to that page's console, single-use and expiring. The key is read on each send
    (`key` is a callable) so a rotated key in SSM takes effect without a redeploy."""

    def __init__(self, inner: Notifier, *, key: Callable[[], str], base_url: str,
                 clock: Callable[[], float] = time.time) -> None:
        self._inner = inner
        self._key = key
        self._base_url = base_url
        self._clock = clock

    def send(self, alert: Alert) -> str:
        return self._inner.send(self.with_links(alert))

    def with_links(self, alert: Alert) -> Alert:
        key, now = self._key(), self._clock()
        if not key or not self._base_url or not alert.page_id:
            return alert
        path = alert.console_path or "/console"

        def link(next_path: str) -> str:
            return sign_in_url(self._base_url, link_token(key, [alert.page_id], next_path, now))

        return replace(alert, review_link=link(path), undo_link=link(f"{path}?undo=1") if alert.offers_undo else "")
