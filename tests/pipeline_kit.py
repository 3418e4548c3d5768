"""Shared set-up for the pipeline, worker, reconciliation, fault-injection and CLI tests.

Real detector, real policy, real HttpGraphClient against the loopback fake Graph server, a real
SqliteStore (or DynamoStore on moto), and notifier.InMemoryNotifier (or SES on moto) at the edge.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from chalicelib.config import PagesConfig, PageSettings, Settings
from chalicelib.act.graph import DryRunGraphClient, HttpGraphClient
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.act.notifier import InMemoryNotifier
from chalicelib.act.pipeline import Pipeline
from chalicelib.state.sqlite_store import SqliteStore

T0 = 1_750_000_000.0
PAGE_ID = "1001"
IG_ID = "1789"
CONTACT_REPLY = "Thanks for reaching out! Please call our office at (555) 010-7000 or email office@example.test."
PAGE = PageSettings(
    page_id=PAGE_ID,
    name="Dr. Example Counseling",
    access_token="page-token",
    notify_email="dr@example.test",
    contact_reply=CONTACT_REPLY,
    instagram_id=IG_ID,
)

SENSITIVE_TEXT = "Hi it's Maria Lopez, your client from Tuesdays. Can you call me back at 555-201-3344 about my session?"
CRISIS_TEXT = "I can't do this anymore. I'm going to kill myself tonight."
OK_TEXT = "love this post, so needed today"

_ids = itertools.count(1)


class Clock:
    """A settable clock (seconds)."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def detector() -> Any:
    from chalicelib.detect.engine import get_detector

    return get_detector()


def write_pages_file(path: Path, *pages: PageSettings) -> Path:
    import json
    from dataclasses import asdict

    path.write_text(json.dumps({"pages": [asdict(p) for p in pages or (PAGE,)]}), encoding="utf-8")
    return path


def settings(graph_url: str, tmp_path: Path, **env: str) -> Settings:
    base = {
        "PAGES_FILE": str(write_pages_file(tmp_path / "pages.json")),
        "PAGEGUARD_STAGE": "local",
        "DRY_RUN": "false",
        "GRAPH_API_URL": graph_url,
        "STORE_PATH": str(tmp_path / "store.sqlite3"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    base.update(env)
    return Settings.from_env(base)


@dataclass
class Kit:
    pipeline: Pipeline
    store: Any
    notifier: InMemoryNotifier
    clock: Clock
    settings: Settings


def make_kit(
    fake_graph: Any,
    tmp_path: Path,
    *,
    store: Any = None,
    notifier: Any = None,
    page: PageSettings = PAGE,
    lease_seconds: int | None = None,
) -> Kit:
    clock = Clock()
    cfg = settings(fake_graph.url, tmp_path)
    store = store if store is not None else SqliteStore(tmp_path / "store.sqlite3")
    notifier = notifier if notifier is not None else InMemoryNotifier()
    pipeline = Pipeline(
        pages=PagesConfig(pages=(page,)),
        detector=detector(),
        graph=HttpGraphClient(fake_graph.url, timeout=2.0),
        dry_run_graph=DryRunGraphClient(),
        settings=cfg,
        notifier=notifier,
        store=store,
        clock=clock,
        lease_seconds=lease_seconds,
    )
    return Kit(pipeline, store, notifier, clock, cfg)


def fb_comment(text: str = SENSITIVE_TEXT, *, item_id: str | None = None, verb: str = "add",
               created_time: float = T0, sender_id: str = "user-1", **kw: Any) -> WebhookEvent:
    post_id = f"{PAGE_ID}_post1"
    item_id = item_id or f"post1_c{next(_ids)}"
    return WebhookEvent(Platform.FACEBOOK, Surface.COMMENT, PAGE_ID, item_id, sender_id, text, created_time,
                        verb=verb, post_id=post_id, parent_id=post_id, field="feed", **kw)


def ig_comment(text: str = SENSITIVE_TEXT, *, item_id: str | None = None, **kw: Any) -> WebhookEvent:
    item_id = item_id or f"1790{next(_ids)}"
    return WebhookEvent(Platform.INSTAGRAM, Surface.COMMENT, IG_ID, item_id, "ig-user-1", text, T0,
                        post_id="media1", field="comments", **kw)


def dm(text: str = SENSITIVE_TEXT, *, item_id: str | None = None, sender_id: str = "psid-1",
       created_time: float = T0) -> WebhookEvent:
    item_id = item_id or f"m_{next(_ids)}"
    return WebhookEvent(Platform.FACEBOOK, Surface.MESSAGE, PAGE_ID, item_id, sender_id, text, created_time,
                        verb="message", field="messages")


def hides(fake_graph: Any, item_id: str) -> list[Any]:
    return [r for r in fake_graph.requests_for("POST", f"/{item_id}") if r.form.get("is_hidden") == "true"
            or r.form.get("hide") == "true"]


def replies(fake_graph: Any, item_id: str) -> list[Any]:
    return fake_graph.requests_for("POST", f"/{item_id}/comments") + fake_graph.requests_for("POST", f"/{item_id}/replies")


def messages(fake_graph: Any) -> list[Any]:
    return fake_graph.requests_for("POST", f"/{PAGE_ID}/messages")


def graph_writes(fake_graph: Any) -> list[Any]:
    return fake_graph.requests_for("POST")


Handler = Callable[[WebhookEvent], Any]


@contextlib.contextmanager
def wired(kit: Kit) -> Iterator[Kit]:
    """Install the kit's pipeline and store as the process dependencies (what handlers and the CLI use)."""
    from chalicelib import wiring

    wiring.use(wiring.Deps(settings=kit.settings, _pipeline=kit.pipeline, _store=kit.store))
    try:
        yield kit
    finally:
        wiring.use(None)
