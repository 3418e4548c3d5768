"""Silent failures reach the professional: one email when the token stops working (checked with the fake
Graph), one when a page that usually gets webhooks has had none for 72 hours; each links to the console.
And the weekly digest: counts, undone hides, unsupported languages, a table chart, once a week, if wanted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from chalicelib.act.alerts import AlertKind, render_email
from chalicelib.act.notifier import InMemoryNotifier
from chalicelib.console.email_links import SignedLinkNotifier
from chalicelib.console.watch import TOKEN_CHECK_EVERY_SECONDS, watch_pages
from chalicelib.state.records import DAY, ActionRecord, AuditRecord
from tests.pipeline_kit import PAGE, PAGE_ID, make_kit


def silent(sent: list[str]) -> list[str]:
    return [s for s in sent if not s.startswith("digest:")]


def test_one_email_when_the_token_stops_working(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    assert silent(watch_pages(kit.pipeline)) == [] and kit.store.get_page_health(PAGE_ID)["token_ok"] is True
    # WHEN Meta refuses the token at the next check
    fake_graph.fail("GET", r"/me", 400, 190, times=2)
    kit.clock.now += TOKEN_CHECK_EVERY_SECONDS
    assert silent(watch_pages(kit.pipeline)) == [f"token:{PAGE_ID}"]
    [alert] = [a for a in kit.notifier.sent if a.kind != "digest"]
    assert alert.kind is AlertKind.RECONNECT and alert.console_path == "/console/health"
    # THEN a later failing check does not email again
    kit.clock.now += TOKEN_CHECK_EVERY_SECONDS
    assert silent(watch_pages(kit.pipeline)) == [] and len([a for a in kit.notifier.sent if a.kind != "digest"]) == 1
    assert len(fake_graph.requests_for("GET")) == 3


def test_one_email_when_a_usually_busy_page_goes_quiet_for_72_hours(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    for i in range(3):
        seen = kit.clock.now - 10 * DAY + i * DAY
        kit.store.save_audit(AuditRecord(item_id=f"c{i}", account_id=PAGE_ID, platform="facebook", surface="comment",
                                         page_id=PAGE_ID, first_seen_at=seen, updated_at=seen))
    assert silent(watch_pages(kit.pipeline)) == [f"quiet:{PAGE_ID}"]
    assert silent(watch_pages(kit.pipeline)) == []  # once per quiet spell
    [alert] = [a for a in kit.notifier.sent if a.kind != "digest"]
    assert alert.kind is AlertKind.QUIET


def test_the_silent_failure_email_carries_a_signed_console_link(fake_graph, tmp_path: Path) -> None:
    outbox = InMemoryNotifier()
    # the same wrapper wiring puts around every notifier
    kit = make_kit(fake_graph, tmp_path, notifier=SignedLinkNotifier(outbox, key=lambda: "k", base_url="https://console.example"))
    fake_graph.fail("GET", r"/me", 400, 190)
    watch_pages(kit.pipeline)
    assert outbox.sent[0].review_link.startswith("https://console.example/console/sign-in?t=")


def test_a_weekly_digest_with_counts_undone_hides_and_a_chart(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    now = kit.clock.now
    hide = ActionRecord("hide", "done", now)
    rows = [("c1", "sensitive", (hide,), ""), ("c2", "sensitive", (hide, ActionRecord("unhide", "done", now)), ""),
            ("c3", "crisis", (hide,), ""), ("c4", "ok", (), "fr")]
    for item_id, label, actions, language in rows:
        kit.store.save_audit(AuditRecord(item_id=item_id, account_id=PAGE_ID, platform="facebook", surface="comment",
                                         page_id=PAGE_ID, label=label, actions=actions, language=language,
                                         first_seen_at=now - DAY, updated_at=now - DAY))
    assert f"digest:{PAGE_ID}" in watch_pages(kit.pipeline)
    assert f"digest:{PAGE_ID}" not in watch_pages(kit.pipeline)  # once a week
    [digest] = [a for a in kit.notifier.sent if a.kind == "digest"]
    assert dict(digest.by_verdict) == {"Crisis": 1, "Sensitive": 2, "Fine": 1}
    assert (digest.hides, digest.undone, digest.unsupported_language) == (3, 1, 1)
    msg = render_email(digest, "PageGuard <a@example.org>")
    plain = msg.get_body(("plain",)).get_content()
    assert "PageGuard hid 3 comments; you undid 1" in plain and "1 item(s) in a language" in plain
    assert 'style="background:#0b57d0;width:200px' in msg.get_body(("html",)).get_content()  # the tallest bar
    kit.clock.now += 7 * DAY
    assert f"digest:{PAGE_ID}" in watch_pages(kit.pipeline)


def test_no_digest_when_the_professional_turned_it_off(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path, page=replace(PAGE, weekly_digest=False))
    assert watch_pages(kit.pipeline) == []


def test_each_sweep_is_kept_for_the_health_panel_and_a_failed_listing_turns_it_red(fake_graph, tmp_path: Path) -> None:
    from chalicelib.console.health import page_health
    from chalicelib.ingest.reconcile import reconcile

    kit = make_kit(fake_graph, tmp_path)

    def sweep_line():
        swept = reconcile(kit.pipeline, kit.pipeline.pages, kit.pipeline.graph_for, kit.store, clock=kit.clock).swept
        watch_pages(kit.pipeline, swept=swept)
        panel = page_health(PAGE_ID, "Practice", observing=False, records=[], health=kit.store.get_page_health(PAGE_ID),
                            dead_letters=[], account_ids={PAGE_ID}, backlog=None, now=kit.clock.now)
        return {line.what: line for line in panel.lines}["Catch-up sweep"]

    # GIVEN a sweep that listed the page's comments
    first = sweep_line()
    assert first.state == "ok"
    # WHEN Meta refuses the next listing
    kit.clock.now += 900
    fake_graph.fail("GET", f"/{PAGE_ID}/published_posts", status=401, code=190)
    line = sweep_line()
    # THEN the panel says so, with when it last worked
    assert line.state == "bad" and "GraphTokenExpiredError" in line.value and "last worked" in line.value
    assert kit.store.get_page_health(PAGE_ID)["token_ok"] is True  # the token check's own fields are kept


def test_a_token_check_from_the_console_keeps_the_digest_and_sweep_fields(fake_graph, tmp_path: Path) -> None:
    from chalicelib.console.commands import check_token

    kit = make_kit(fake_graph, tmp_path)
    watch_pages(kit.pipeline, swept={PAGE_ID: ""})
    before = kit.store.get_page_health(PAGE_ID)
    assert "digest_sent_at" in before and "sweep_ok_at" in before
    check_token(kit.pipeline, PAGE)
    after = kit.store.get_page_health(PAGE_ID)
    # the weekly digest is not sent again because the console checked the token
    assert after["digest_sent_at"] == before["digest_sent_at"] and after["sweep_ok_at"] == before["sweep_ok_at"]
    assert f"digest:{PAGE_ID}" not in watch_pages(kit.pipeline)
