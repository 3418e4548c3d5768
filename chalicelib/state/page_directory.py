"""`PageDirectory`: the one way the worker, sweeps, console and CLI read protected pages, with a short cache.

It answers like `PagesConfig` (`for_account`, `pages`), so the pipeline does not care where pages come
from. Lookups are per account: with 1,000 pages a worker reads one record and one token for the page
an event is about, and keeps them `max_age` seconds (a new token or settings apply within that time).
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from chalicelib.config import PagesConfig, PageSettings
from chalicelib.state.page_registry import PageRecord, PageRegistry

DEFAULT_MAX_AGE_S = 60.0
# An unknown account is asked again sooner: a page connected a moment ago, or imported by another
# process that started at the same time, is found within seconds.
MISS_MAX_AGE_S = 5.0


class PageDirectory:
    """Cached read view over a `PageRegistry`. `legacy` (AWS upgrades only) answers for accounts the
    registry does not know yet: the old PAGES_PARAMETER JSON, until `setup` imports it."""

    def __init__(
        self,
        registry: PageRegistry,
        *,
        max_age: float = DEFAULT_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
        legacy: Callable[[], PagesConfig] | None = None,
    ) -> None:
        self.registry = registry
        self._max_age = max_age
        self._clock = clock
        self._legacy = legacy
        self._lock = threading.Lock()
        self._accounts: dict[str, tuple[float, PageSettings | None]] = {}
        self._all: tuple[float, tuple[PageSettings, ...]] | None = None

    def for_account(self, account_id: str) -> PageSettings | None:
        """The page a Facebook Page id or Instagram account id belongs to, with its token."""
        now = self._clock()
        with self._lock:
            cached = self._accounts.get(account_id)
            if cached is not None and cached[0] > now:
                return cached[1]
        record = self.registry.find_page(account_id)
        page = self._settings(record) if record is not None else None
        if page is None and self._legacy is not None:
            page = self._legacy().for_account(account_id)
        with self._lock:
            ttl = self._max_age if page is not None else min(self._max_age, MISS_MAX_AGE_S)
            self._accounts[account_id] = (now + ttl, page)
        return page

    @property
    def pages(self) -> tuple[PageSettings, ...]:
        """Every page that can be protected (sweeps, scans), with tokens."""
        now = self._clock()
        with self._lock:
            if self._all is not None and self._all[0] > now:
                return self._all[1]
        pages = tuple(self._settings(r) for r in self.registry.list_pages() if r.configured)
        if not pages and self._legacy is not None:
            pages = self._legacy().pages
        with self._lock:
            self._all = (now + self._max_age, pages)
        return pages

    def records(self) -> list[PageRecord]:
        """Every record as stored, uncached and without tokens (console, CLI, health check)."""
        return self.registry.list_pages()

    def invalidate(self) -> None:
        with self._lock:
            self._accounts.clear()
            self._all = None

    def as_config(self) -> PagesConfig:
        return PagesConfig(pages=self.pages)

    def _settings(self, record: PageRecord) -> PageSettings | None:
        if not record.configured:
            return None  # connected but not set up yet: nothing to alert or reply with
        return record.to_settings(self.registry.get_token(record.page_id))
