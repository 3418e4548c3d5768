"""Which pages the console can name, behind a small interface: today the pages configuration (a file
locally, SSM on AWS); issue 14 moves pages into a registry in the store and swaps this implementation.
The console only ever sees a page's id and name, never its token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from chalicelib.config import PagesConfig


@dataclass(frozen=True)
class PageSummary:
    page_id: str
    name: str
    instagram_id: str = ""


class PageDirectory(Protocol):
    def summaries(self, page_ids: Iterable[str]) -> dict[str, PageSummary]:
        """The known pages among `page_ids`, by id."""
        ...


class ConfiguredPages:
    """Pages from the pages configuration (a callable, so a re-read parameter is picked up)."""

    def __init__(self, pages: Callable[[], PagesConfig]) -> None:
        self._pages = pages

    def summaries(self, page_ids: Iterable[str]) -> dict[str, PageSummary]:
        wanted = set(page_ids)
        return {p.page_id: PageSummary(p.page_id, p.name, p.instagram_id)
                for p in self._pages().pages if p.page_id in wanted}
