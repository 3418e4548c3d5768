"""Migration into the page registry: the pages JSON (a local PAGES_FILE, or the old PAGES_PARAMETER) imported once.

Each distinct JSON text is imported at most once (a `claim_once` marker on its SHA-256), so a Lambda cold
start or a second `setup` never overwrites what the console or the connect flow changed since.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from chalicelib.config import PagesConfig
from chalicelib.state.page_registry import PageRecord, PageRegistry

# The marker of an import lives as long as the registry (a hundred years is "for good" in TTL terms).
FOREVER_S = 100 * 365 * 86400.0
# Taken by the first pages a deployment gets (imported or connected): from then on only a person who
# manages one of its pages can connect more (connect/flow.py).
FIRST_OWNER_KEY = "connect#first-owner"


@dataclass(frozen=True)
class ImportReport:
    imported: tuple[str, ...] = ()  # page ids written
    kept: tuple[str, ...] = ()  # page ids already in the registry and left as they were
    already_imported: bool = False  # this exact JSON was imported before: nothing done


def import_pages_json(
    text: str, registry: PageRegistry, *, overwrite: bool, now: float | None = None
) -> ImportReport:
    """Import the pages of a pages JSON once. With `overwrite`, its pages replace registry records of the
    same id (local PAGES_FILE: the file is how a developer configures); without, existing records win."""
    config = PagesConfig.from_json(text)  # validate before claiming, so a bad file can be fixed and retried
    now = time.time() if now is None else now
    marker = "import#" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not registry.claim_once(marker, now + FOREVER_S, now=now):
        return ImportReport(already_imported=True)
    return import_pages(config, registry, overwrite=overwrite, now=now)


def import_pages(config: PagesConfig, registry: PageRegistry, *, overwrite: bool, now: float | None = None) -> ImportReport:
    now = time.time() if now is None else now
    imported: list[str] = []
    kept: list[str] = []
    for page in config.pages:
        existing = registry.get_page(page.page_id)
        if existing is not None and not overwrite:
            kept.append(page.page_id)
            continue
        # The token first: a record without its token would be read as "no token" (dry run) meanwhile.
        # An empty access_token means "none given": it never wipes a token stored since (a connected page).
        if page.access_token:
            registry.put_token(page.page_id, page.access_token)
        fresh = PageRecord.from_settings(page)
        base = existing or PageRecord(page_id=page.page_id, name=page.name, connected_at=now)
        registry.save_page(
            base.with_changes(
                name=fresh.name,
                notify_email=fresh.notify_email,
                contact_reply=fresh.contact_reply,
                instagram_id=fresh.instagram_id,
                crisis_reply=fresh.crisis_reply,
                country=fresh.country,
                mode=fresh.mode,
                extra_recipients=fresh.extra_recipients,
                weekly_digest=fresh.weekly_digest,
            )
        )
        imported.append(page.page_id)
    if imported:
        registry.claim_once(FIRST_OWNER_KEY, now + FOREVER_S, now=now)
    return ImportReport(imported=tuple(imported), kept=tuple(kept))
