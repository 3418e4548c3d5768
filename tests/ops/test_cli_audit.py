"""CLI: `audit`, `unhide ITEM_ID` and `replay-dlq`, run through ops.cli.main with wired test deps."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import pytest

from ops import cli
from tests.fake_graph import FakeGraph
from tests.pipeline_kit import OK_TEXT, SENSITIVE_TEXT, Kit, fb_comment, hides, make_kit, wired


@pytest.fixture
def kit(fake_graph: FakeGraph, tmp_path: Path) -> Iterator[Kit]:
    with wired(make_kit(fake_graph, tmp_path)) as kit:
        yield kit


def test_audit_lists_recent_decisions_without_text(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    sensitive, ok = fb_comment(SENSITIVE_TEXT), fb_comment(OK_TEXT)
    kit.pipeline.handle(sensitive)
    kit.clock.now += 1
    kit.pipeline.handle(ok)
    assert cli.main(["audit", "--limit", "5"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert ok.item_id in lines[0] and sensitive.item_id in lines[1]  # newest first
    assert "sensitive" in lines[1] and "hide:done public_reply:done alert:done" in lines[1]
    assert "Maria" not in out and "555-201" not in out


def test_audit_shows_why_an_image_only_comment_was_not_checked(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    photo = fb_comment("", attachment_types=("photo",))
    kit.pipeline.handle(photo)
    assert cli.main(["audit"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert photo.item_id in line and "not checked: image only" in line and "not_checked" in line


def test_audit_json(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    assert cli.main(["audit", "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["item_id"] == event.item_id and row["label"] == "sensitive"
    assert [a["step"] for a in row["actions"]] == ["hide", "public_reply", "alert"]


def test_audit_when_empty(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["audit"]) == 0
    assert "no decisions" in capsys.readouterr().out


def test_unhide_reverses_the_hide_and_records_it(kit: Kit, fake_graph: FakeGraph,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    assert cli.main(["unhide", event.item_id]) == 0
    assert fake_graph.requests_for("POST", f"/{event.item_id}")[-1].form == {"is_hidden": "false"}
    assert kit.store.get_audit(event.item_id).actions[-1].step == "unhide"
    assert "unhidden" in capsys.readouterr().out


def test_unhide_unknown_item_fails_cleanly(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["unhide", "nope"]) == 1
    assert "no audit record" in capsys.readouterr().err


def test_replay_dlq_drives_parked_events(kit: Kit, fake_graph: FakeGraph, capsys: pytest.CaptureFixture[str]) -> None:
    event = fb_comment(SENSITIVE_TEXT)
    kit.store.park(event, "GraphRetryableError", 5)
    assert cli.main(["replay-dlq"]) == 0
    assert "replayed 1" in capsys.readouterr().out
    assert len(hides(fake_graph, event.item_id)) == 1 and kit.store.list_dead_letters() == []
    assert cli.main(["replay-dlq"]) == 0
    assert "no parked dead letters" in capsys.readouterr().out


def test_replay_dlq_replays_a_parked_console_undo(kit: Kit, fake_graph: FakeGraph,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.console.commands import CommandKind, ConsoleCommand
    from tests.pipeline_kit import PAGE_ID

    # GIVEN a hidden comment whose undo from the console kept failing and was parked
    event = fb_comment(SENSITIVE_TEXT)
    kit.pipeline.handle(event)
    kit.store.park(ConsoleCommand(CommandKind.UNDO, PAGE_ID, event.item_id, requested_at=kit.clock.now),
                   "GraphRetryableError", 5)
    # WHEN the operator replays the dead letters
    assert cli.main(["replay-dlq"]) == 0
    # THEN the undo runs: the comment is unhidden on Meta and the letter is gone
    assert "replayed 1" in capsys.readouterr().out
    assert fake_graph.requests_for("POST", f"/{event.item_id}")[-1].form == {"is_hidden": "false"}
    assert kit.store.list_dead_letters() == []


def test_replay_dlq_reports_undecodable_letters(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    kit.store.park({"undecodable_body": True, "message_id": "msg-1", "body": "{not json"}, "JSONDecodeError", 1)
    assert cli.main(["replay-dlq"]) == 1
    assert "still failing 1 (1 undecodable" in capsys.readouterr().out


def test_recipient_shows_and_clears_a_bounce_mark(kit: Kit, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recipient", "dr@example.test"]) == 0
    assert "alerts are sent" in capsys.readouterr().out
    kit.store.mark_recipient("dr@example.test", "bounce", time.time())
    assert cli.main(["recipient", "dr@example.test"]) == 1
    assert "alerts stopped after a bounce" in capsys.readouterr().out
    assert cli.main(["recipient", "DR@example.test", "--clear"]) == 0
    assert kit.store.recipient_mark("dr@example.test") == ""
