"""Which pages the console can name, behind a small interface: today the pages configuration (a file
locally, SSM on AWS); issue 14 moves pages into a registry in the store and swaps this implementation.
The console only ever sees a page's id and name, never its token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Protocol

from chalicelib.config import EMAIL_PATTERN, MODES, PagesConfig, PageSettings
from chalicelib.crisis_lines import CRISIS_LINES, default_crisis_reply, normalise_country
from chalicelib.state.store import Store

MAX_REPLY_CHARS = 1000  # Meta allows far more; a reply longer than this is not read by someone in distress
MAX_RECIPIENTS = 10
_EMAIL_RE = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class PageSummary:
    page_id: str
    name: str
    instagram_id: str = ""


@dataclass(frozen=True)
class PageChoices:
    """What the professional can change for a page in the console (no token, nothing from Meta)."""

    page_id: str
    name: str
    contact_reply: str
    crisis_reply: str
    country: str
    mode: str
    recipients: tuple[str, ...]
    weekly_digest: bool
    default_crisis_reply: str

    @classmethod
    def of(cls, page: PageSettings) -> "PageChoices":
        return cls(page.page_id, page.name, page.contact_reply, page.crisis_reply, page.country, page.mode,
                   page.recipients, page.weekly_digest, default_crisis_reply(page.country))


class SettingsError(ValueError):
    """A settings form the console refuses; the message says which field and why (shown to the user)."""


class PageDirectory(Protocol):
    def summaries(self, page_ids: Iterable[str]) -> dict[str, PageSummary]:
        """The known pages among `page_ids`, by id."""
        ...

    def choices(self, page_id: str) -> PageChoices | None: ...

    def save_choices(self, page_id: str, form: Mapping[str, str]) -> PageChoices:
        """Validate and keep the settings form; raises SettingsError."""
        ...


def prefs_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The store's prefs from a settings form, checked field by field."""
    contact = form.get("contact_reply", "").strip()
    crisis = form.get("crisis_reply", "").strip()
    if not contact:
        raise SettingsError("The contact reply cannot be empty: it tells people how to reach you privately.")
    if len(contact) > MAX_REPLY_CHARS or len(crisis) > MAX_REPLY_CHARS:
        raise SettingsError(f"Replies are limited to {MAX_REPLY_CHARS} characters.")
    country = normalise_country(form.get("country", ""))
    if country and country not in CRISIS_LINES:
        raise SettingsError("Choose a country from the list, or 'Other'.")
    recipients = [r.strip() for r in re.split(r"[,\s]+", form.get("recipients", "")) if r.strip()]
    if not recipients or len(recipients) > MAX_RECIPIENTS or not all(_EMAIL_RE.fullmatch(r) for r in recipients):
        raise SettingsError(f"Give 1 to {MAX_RECIPIENTS} alert recipients as email addresses, separated by commas.")
    mode = form.get("mode", "")
    if mode not in MODES:
        raise SettingsError("Choose protect or observe.")
    # An unchanged default crisis reply follows the country when it changes: keep it blank in the store.
    if crisis in (default_crisis_reply(country), default_crisis_reply(form.get("previous_country", ""))):
        crisis = ""
    return {"contact_reply": contact, "crisis_reply": crisis, "country": country, "recipients": recipients,
            "mode": mode, "weekly_digest": form.get("weekly_digest") == "on"}


class ConfiguredPages:
    """Pages from the pages configuration (a callable, so a re-read parameter is picked up), with the
    professional's choices kept in the store."""

    def __init__(self, pages: Callable[[], PagesConfig], store: Store, on_saved: Callable[[], None] = lambda: None) -> None:
        self._pages = pages
        self._store = store
        self._on_saved = on_saved

    def _page(self, page_id: str) -> PageSettings | None:
        return next((p for p in self._pages().pages if p.page_id == page_id), None)

    def choices(self, page_id: str) -> PageChoices | None:
        page = self._page(page_id)
        return PageChoices.of(page) if page else None

    def save_choices(self, page_id: str, form: Mapping[str, str]) -> PageChoices:
        page = self._page(page_id)
        if page is None:
            raise SettingsError("This page is not protected by PageGuard.")
        prefs = prefs_from_form(form)
        self._store.save_page_prefs(page_id, prefs)
        self._on_saved()
        return PageChoices.of(page.with_prefs(prefs))

    def summaries(self, page_ids: Iterable[str]) -> dict[str, PageSummary]:
        wanted = set(page_ids)
        return {p.page_id: PageSummary(p.page_id, p.name, p.instagram_id)
                for p in self._pages().pages if p.page_id in wanted}
