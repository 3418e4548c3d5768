"""Which pages the console can name and what it can change, behind a small interface; the implementation
reads and writes the page registry (issue 14), the same records the worker reads through `PageDirectory`.
The console only ever sees a page's settings, never its token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol

from chalicelib.config import EMAIL_PATTERN, MODES, PageSettings
from chalicelib.crisis_lines import CRISIS_LINES, default_crisis_reply, normalise_country

if TYPE_CHECKING:
    from chalicelib.state.page_directory import PageDirectory as StatePageDirectory

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


class RegistryPages:
    """The console's view of the page registry (state/page_registry.py): a saved settings form is written
    onto the page's record, and the shared `PageDirectory` cache is dropped so this process reads it at
    once (other processes within the directory's max age)."""

    def __init__(self, directory: "StatePageDirectory") -> None:
        self._directory = directory

    def choices(self, page_id: str) -> PageChoices | None:
        record = self._directory.registry.get_page(page_id)
        return PageChoices.of(record.to_settings("")) if record else None  # never the token

    def save_choices(self, page_id: str, form: Mapping[str, str]) -> PageChoices:
        record = self._directory.registry.get_page(page_id)
        if record is None:
            raise SettingsError("This page is not protected by PageGuard.")
        record = record.with_choices(prefs_from_form(form))
        self._directory.registry.save_page(record)
        self._directory.invalidate()
        return PageChoices.of(record.to_settings(""))

    def summaries(self, page_ids: Iterable[str]) -> dict[str, PageSummary]:
        wanted = set(page_ids)
        return {r.page_id: PageSummary(r.page_id, r.name, r.instagram_id)
                for r in (self._directory.registry.get_page(p) for p in wanted) if r is not None}
