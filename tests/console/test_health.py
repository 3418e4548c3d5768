"""The health panel says what is wrong and what to do: a refused token, a page quiet for 72 hours,
items waiting for a reconnect, events that kept failing."""

from __future__ import annotations

from chalicelib.console.health import page_health
from chalicelib.state.records import DAY, AuditRecord, DeadLetter

NOW = 1_800_000_000.0


def record(item_id: str, seen: float, status: str = "done", page_id: str = "111") -> AuditRecord:
    return AuditRecord(item_id=item_id, account_id=page_id, platform="facebook", surface="comment",
                       page_id=page_id, status=status, first_seen_at=seen, updated_at=seen)


def lines(**kwargs):
    args = dict(observing=False, records=[], health=None, dead_letters=[], account_ids={"111"}, backlog=None, now=NOW)
    args.update(kwargs)
    panel = page_health("111", "Practice", **args)
    return panel, {line.what: line for line in panel.lines}


def test_a_healthy_page_is_all_good() -> None:
    panel, by = lines(records=[record("c1", NOW - 3600)], health={"token_ok": True, "checked_at": NOW}, backlog=0)
    assert panel.all_ok and by["Access token"].state == "ok" and by["Last webhook received"].state == "ok"


def test_a_refused_token_is_red_and_says_reconnect() -> None:
    panel, by = lines(records=[record("c1", NOW - 3600, status="token_expired")],
                      health={"token_ok": False, "checked_at": NOW, "detail": "token expired or revoked (code 190)"})
    assert not panel.all_ok
    assert by["Access token"].state == "bad" and "Reconnect" in by["Access token"].fix
    assert by["Items waiting for a reconnect"].value == "1"


def test_a_page_quiet_for_72_hours_and_dead_letters_are_red() -> None:
    letter = DeadLetter("l1", {"account_id": "111", "item_id": "c9"}, "GraphRetryableError", 5, NOW)
    other = DeadLetter("l2", {"account_id": "222", "item_id": "c8"}, "GraphRetryableError", 5, NOW)
    panel, by = lines(records=[record("c1", NOW - 4 * DAY), record("c2", NOW - DAY, page_id="222")],
                      dead_letters=[letter, other])
    assert by["Last webhook received"].state == "bad" and "72 hours" in by["Last webhook received"].fix
    assert by["Items that kept failing"].value == "1"


def test_observe_mode_is_a_reminder_not_a_fault() -> None:
    panel, by = lines(records=[record("c1", NOW)], health={"token_ok": True, "checked_at": NOW}, observing=True)
    assert panel.all_ok and by["Mode"].state == "wait"


def test_the_catch_up_sweep_shows_when_it_last_listed_comments_and_when_it_failed() -> None:
    token = {"token_ok": True, "checked_at": NOW}
    # Not run yet (the local server has no schedule): a reminder, not a fault
    panel, by = lines(health=token)
    assert by["Catch-up sweep"].state == "wait" and panel.all_ok
    # Listed this page's comments minutes ago
    _, by = lines(health={**token, "sweep_at": NOW - 600, "sweep_ok_at": NOW - 600, "sweep_error": ""})
    assert by["Catch-up sweep"].state == "ok" and "comments listed" in by["Catch-up sweep"].value
    # Meta refused the listing: red, with when it last worked and what to do
    panel, by = lines(health={**token, "sweep_at": NOW - 600, "sweep_ok_at": NOW - DAY,
                             "sweep_error": "GraphTokenExpiredError"})
    line = by["Catch-up sweep"]
    assert not panel.all_ok and line.state == "bad" and "GraphTokenExpiredError" in line.value
    assert "last worked" in line.value and "reconnect" in line.fix
    # The schedule stopped: an hour without a run is red
    _, by = lines(health={**token, "sweep_at": NOW - 2 * 3600, "sweep_ok_at": NOW - 2 * 3600, "sweep_error": ""})
    assert by["Catch-up sweep"].state == "bad" and "stopped" in by["Catch-up sweep"].fix


def test_sweep_fields_alone_do_not_count_as_a_token_check() -> None:
    _, by = lines(health={"sweep_at": NOW, "sweep_ok_at": NOW, "sweep_error": ""})
    assert by["Access token"].value == "not checked yet"
