"""Per-page settings: crisis lines by country (no country assumed by default), observe mode, several
recipients, and the console's form validation."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.config import PageSettings, Settings
from chalicelib.console.directory import RegistryPages, SettingsError, prefs_from_form
from chalicelib.crisis_lines import CRISIS_LINES, GENERIC_REPLY, default_crisis_reply
from chalicelib.state.page_directory import PageDirectory as StatePageDirectory
from chalicelib.state.page_import import import_pages_json
from chalicelib.state.page_registry import SqlitePageRegistry, TokenCipher

BASE = {"page_id": "111", "name": "Practice", "notify_email": "owner@practice.example",
        "contact_reply": "Please call us on 555-0100.", "access_token": "EAAB-token"}
FORM = {"contact_reply": "Call us.", "crisis_reply": "", "country": "IE", "recipients": "a@p.example, b@p.example",
        "mode": "observe", "weekly_digest": "on"}


@pytest.mark.parametrize("country", ["US", "CA", "GB", "IE", "AU", "NZ", "ES", "MX", "AR", "CO", "CL"])
def test_each_listed_country_has_its_own_crisis_reply_with_an_emergency_number(country: str) -> None:
    reply = default_crisis_reply(country)
    assert reply != GENERIC_REPLY and re.search(r"\d{3}", reply)
    assert PageSettings.from_dict({**BASE, "country": country}).crisis_reply == reply


def test_without_a_country_the_crisis_reply_assumes_none() -> None:
    page = PageSettings.from_dict(BASE)
    assert page.crisis_reply == GENERIC_REPLY and "988" not in page.crisis_reply and "911" not in page.crisis_reply
    assert "local emergency number" in page.crisis_reply
    assert default_crisis_reply("UK") == CRISIS_LINES["GB"].reply


def test_observe_mode_never_acts_on_meta_even_with_a_token() -> None:
    settings = Settings.from_env({"DRY_RUN": "false"})
    assert settings.dry_run_for(PageSettings.from_dict(BASE)) is False
    assert settings.dry_run_for(PageSettings.from_dict({**BASE, "mode": "observe"})) is True


def test_saved_choices_go_onto_the_registry_record_the_worker_reads(tmp_path) -> None:
    registry = SqlitePageRegistry(tmp_path / "s.sqlite3", TokenCipher.from_key_file(tmp_path / "cfg" / "token.key"))
    import_pages_json(json.dumps({"pages": [BASE]}), registry, overwrite=True)
    pages = StatePageDirectory(registry, max_age=3600)
    assert not pages.for_account("111").observing  # cached before the save
    choices = RegistryPages(pages).save_choices("111", FORM)
    assert choices.recipients == ("a@p.example", "b@p.example") and choices.mode == "observe"
    assert choices.crisis_reply == CRISIS_LINES["IE"].reply  # blank: the country's lines
    page = pages.for_account("111")  # the save dropped the cache: read at once
    assert page.observing and page.access_token == "EAAB-token" and page.notify_email == "a@p.example"
    assert page.recipients == ("a@p.example", "b@p.example") and page.country == "IE" and page.weekly_digest
    assert page.crisis_reply == CRISIS_LINES["IE"].reply
    assert "EAAB-token" not in json.dumps(registry.get_page("111").to_dict())
    with pytest.raises(SettingsError, match="not protected"):
        RegistryPages(pages).save_choices("999", FORM)


@pytest.mark.parametrize("change, why", [
    ({"contact_reply": " "}, "contact reply"),
    ({"country": "ZZ"}, "country"),
    ({"recipients": "not-an-email"}, "recipients"),
    ({"recipients": ""}, "recipients"),
    ({"mode": "delete-everything"}, "protect or observe"),
    ({"crisis_reply": "x" * 1001}, "1000 characters"),
])
def test_a_bad_settings_form_is_refused_with_the_reason(change: dict, why: str) -> None:
    with pytest.raises(SettingsError, match=why):
        prefs_from_form({**FORM, **change})
