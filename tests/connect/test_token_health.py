"""The daily token check against the fake Graph's debug_token, with real .eml emails in the outbox."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Iterator

import pytest
from chalice.test import Client

import app as pageguard
from chalicelib import wiring
from chalicelib.connect.token_health import check_tokens_daily
from tests.connect import connect_kit as kit
from tests.fake_graph import FakeGraph

HARBOR, BAYSIDE = "104857600123456", "104857600654321"
DAY = 86400.0
T0 = 1_780_000_000.0


@pytest.fixture
def deps(tmp_path, fake_graph: FakeGraph) -> Iterator[wiring.Deps]:
    d = kit.install(kit.connect_settings(tmp_path, fake_graph))
    with Client(pageguard.app, stage_name="local") as client:
        cb = kit.callback(client, kit.dialog(kit.start(client)))
        kit.choose(client, cb, {HARBOR: kit.settings_for("harbor@practice.example"),
                                BAYSIDE: kit.settings_for("bayside@practice.example")})
    yield d
    wiring.use(None)


def _emails(outbox: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(outbox.glob("*.eml"))]


def _check(d: wiring.Deps, now: float):
    return check_tokens_daily(d.page_registry, d.facebook_login, d.notifier, connect_url=d.connect_url,
                              clock=lambda: now)


def test_when_a_token_dies_then_one_reconnect_email_and_the_page_turns_red(deps, fake_graph, tmp_path) -> None:
    # GIVEN two healthy pages, then Meta invalidates one page's token
    report = _check(deps, T0)
    assert set(report.healthy) == {HARBOR, BAYSIDE} and not report.failing
    fake_graph.login.expire_page(HARBOR)
    # WHEN the next day's check runs
    report = _check(deps, T0 + DAY)
    # THEN only that page fails, its recipients get one email linking to /connect, and it is red
    assert report.failing == (HARBOR,) and report.emailed == (HARBOR,)
    mails = _emails(tmp_path / "outbox")
    assert [m["To"] for m in mails] == ["harbor@practice.example"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "Reconnect: http://127.0.0.1:8000/connect" in body
    assert "code 190, subcode 460" in body
    record = deps.page_registry.get_page(HARBOR)
    assert record.token_status == "invalid" and record.token_alerted_at == T0 + DAY
    assert deps.page_registry.get_page(BAYSIDE).token_status == "ok"
    # debug_token went with the app token in the header, the page token as input, neither in the log of requests
    debug = fake_graph.requests_for("GET", "/debug_token")
    assert debug and all(r.token == f"{deps.settings.meta_app_id}|{deps.settings.app_secret}" for r in debug)
    assert all("input_token" not in entry["query"] for entry in fake_graph.received())


def test_the_check_runs_once_a_day_and_emails_once_per_failure(deps, fake_graph, tmp_path) -> None:
    fake_graph.login.expire_page(BAYSIDE)
    assert _check(deps, T0).emailed == (BAYSIDE,)
    assert _check(deps, T0 + 3600).already_ran_today
    again = _check(deps, T0 + DAY)
    assert again.failing == (BAYSIDE,) and again.emailed == ()
    assert len(_emails(tmp_path / "outbox")) == 1


def test_reconnecting_turns_the_page_green_and_a_later_failure_emails_again(deps, fake_graph, tmp_path) -> None:
    fake_graph.login.expire_page(HARBOR)
    _check(deps, T0)
    with Client(pageguard.app, stage_name="local") as client:
        cb = kit.callback(client, kit.dialog(kit.start(client)))
        kit.choose(client, cb, {HARBOR: kit.settings_for("harbor@practice.example")})
    assert deps.page_registry.get_page(HARBOR).token_status == "ok"
    assert set(_check(deps, T0 + DAY).healthy) == {HARBOR, BAYSIDE}
    fake_graph.login.expire_page(HARBOR)
    assert _check(deps, T0 + 2 * DAY).emailed == (HARBOR,)
    assert len(_emails(tmp_path / "outbox")) == 2


def test_permissions_removed_later_are_recorded_by_name(deps, fake_graph) -> None:
    # Meta's debug_token lists the scopes a token still has; one removed in the person's settings shows up.
    fake_graph.login.revoke_permission(HARBOR, "pages_manage_engagement")
    _check(deps, T0)
    assert deps.page_registry.get_page(HARBOR).declined_permissions == ("pages_manage_engagement",)


def test_the_cli_checks_now_lists_each_page_and_fails_when_one_is_red(deps, fake_graph, tmp_path, capsys) -> None:
    from ops import cli

    assert cli.main(["check-tokens"]) == 0
    fake_graph.login.expire_page(BAYSIDE)
    assert cli.main(["check-tokens"]) == 1
    out = capsys.readouterr().out
    assert f"{BAYSIDE}  invalid" in out and f"{HARBOR}  ok" in out
    assert "checked 2: 1 healthy, 1 failing, 1 emailed" in out
    assert [m["To"] for m in _emails(tmp_path / "outbox")] == ["bayside@practice.example"]


def test_a_page_already_told_today_by_another_path_gets_no_second_reconnect_email(deps, fake_graph, tmp_path) -> None:
    from chalicelib.act.alerts import reconnect_alert
    from chalicelib.act.pipeline import reconnect_key
    from chalicelib.models import Platform

    _check(deps, T0)
    fake_graph.login.expire_page(HARBOR)
    now = T0 + DAY
    # GIVEN an action refused with code 190 (or the console's token watch) emailed the professional today
    page = deps.pipeline.pages.for_account(HARBOR)
    assert deps.pipeline.send_once(reconnect_key(HARBOR, now), reconnect_alert(page, Platform.FACEBOOK, occurred_at=now))
    # WHEN the daily check finds the same dead token that day
    report = check_tokens_daily(deps.page_registry, deps.facebook_login, deps.notifier, connect_url=deps.connect_url,
                                clock=lambda: now, send_once=deps.pipeline.send_once)
    # THEN the page turns red and counts as told, and no second email goes out
    assert report.failing == (HARBOR,) and report.emailed == ()
    assert len(_emails(tmp_path / "outbox")) == 1
    assert deps.page_registry.get_page(HARBOR).token_alerted_at == now
    # AND the next day's first notice does email (once a day, whichever path comes first)
    later = now + DAY
    assert deps.pipeline.send_once(reconnect_key(HARBOR, later), reconnect_alert(page, Platform.FACEBOOK, occurred_at=later))
    assert len(_emails(tmp_path / "outbox")) == 2
