"""Silent failures reach the professional: one email when the token stops working (checked with the fake
Graph), one when a page that usually gets webhooks has had none for 72 hours; each links to the console."""

from __future__ import annotations

from pathlib import Path

from chalicelib.act.alerts import AlertKind
from chalicelib.act.notifier import InMemoryNotifier
from chalicelib.console.email_links import SignedLinkNotifier
from chalicelib.console.watch import TOKEN_CHECK_EVERY_SECONDS, watch_pages
from chalicelib.state.records import DAY, AuditRecord
from tests.pipeline_kit import PAGE_ID, make_kit


def test_one_email_when_the_token_stops_working(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    assert watch_pages(kit.pipeline) == [] and kit.store.get_page_health(PAGE_ID)["token_ok"] is True
    # WHEN Meta refuses the token at the next check
    fake_graph.fail("GET", r"/me", 400, 190, times=2)
    kit.clock.now += TOKEN_CHECK_EVERY_SECONDS
    assert watch_pages(kit.pipeline) == [f"token:{PAGE_ID}"]
    [alert] = kit.notifier.sent
    assert alert.kind is AlertKind.RECONNECT and alert.console_path == "/console/health"
    # THEN a later failing check does not email again
    kit.clock.now += TOKEN_CHECK_EVERY_SECONDS
    assert watch_pages(kit.pipeline) == [] and len(kit.notifier.sent) == 1
    assert len(fake_graph.requests_for("GET")) == 3


def test_one_email_when_a_usually_busy_page_goes_quiet_for_72_hours(fake_graph, tmp_path: Path) -> None:
    kit = make_kit(fake_graph, tmp_path)
    for i in range(3):
        seen = kit.clock.now - 10 * DAY + i * DAY
        kit.store.save_audit(AuditRecord(item_id=f"c{i}", account_id=PAGE_ID, platform="facebook", surface="comment",
                                         page_id=PAGE_ID, first_seen_at=seen, updated_at=seen))
    assert watch_pages(kit.pipeline) == [f"quiet:{PAGE_ID}"]
    assert watch_pages(kit.pipeline) == []  # once per quiet spell
    [alert] = kit.notifier.sent
    assert alert.kind is AlertKind.QUIET


def test_the_silent_failure_email_carries_a_signed_console_link(fake_graph, tmp_path: Path) -> None:
    outbox = InMemoryNotifier()
    # the same wrapper wiring puts around every notifier
    kit = make_kit(fake_graph, tmp_path, notifier=SignedLinkNotifier(outbox, key=lambda: "k", base_url="https://console.example"))
    fake_graph.fail("GET", r"/me", 400, 190)
    watch_pages(kit.pipeline)
    assert outbox.sent[0].review_link.startswith("https://console.example/console/sign-in?t=")
