"""Composition root: the one place PageGuard's real objects are built, once per process, from Settings.

`deps()` builds them from the environment (app.py); `deps_for_env(env)` from another environment (ops/ for a
deployed stage); `use()` installs other ones (tests). Nothing under chalicelib/ imports this module: app.py
and ops/ hand the objects in. The builders import their parts when first called, so the webhook Lambda,
which needs only the queue, never loads the detector, the Graph client or boto3's DynamoDB.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from chalicelib.config import PagesConfig, Settings
from chalicelib.errors import ConfigError, StoreError
from chalicelib.ingest.queue import EventQueue, SqliteEventQueue, SqsEventQueue, handle_message
from chalicelib.models import WebhookEvent

if TYPE_CHECKING:
    from chalicelib.act.notifier import Notifier
    from chalicelib.act.pipeline import Pipeline
    from chalicelib.ingest.worker import VisibilitySetter
    from chalicelib.console.web import Console
    from chalicelib.state.store import Store

PREFS_MAX_AGE_S = 60  # a worker picks up settings saved in the console within a minute
PARAMETER_MAX_AGE_S = 300  # re-read SSM parameters at most every 5 minutes (token rotation, new pages)


@dataclass
class Deps:
    """Everything the handlers and operator tools need. Parts are built on first use, so the webhook
    Lambda never loads the detector; tests pass ready-made parts as `_queue`, `_pipeline`, `_store`."""

    settings: Settings
    _queue: EventQueue | None = None
    _pipeline: Pipeline | None = None
    _store: Store | None = None
    _visibility: VisibilitySetter | None = None
    _console: Console | None = None
    _prefs: tuple[float, dict] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # --- secrets and pages ---------------------------------------------------------------
    @property
    def app_secret(self) -> str:
        return self.settings.app_secret or _secrets(self.settings).get("app_secret", "")

    @property
    def verify_token(self) -> str:
        return self.settings.verify_token or _secrets(self.settings).get("verify_token", "")

    @property
    def console_key(self) -> str:
        return self.settings.console_key or _secrets(self.settings).get("console_key", "")

    @property
    def pages(self) -> PagesConfig:
        """The configured pages with the professional's console settings on top (re-read every minute)."""
        configured = load_pages(self.settings)
        with self._lock:
            now = time.monotonic()
            if self._prefs is None or now - self._prefs[0] > PREFS_MAX_AGE_S:
                self._prefs = (now, {p.page_id: prefs for p in configured.pages
                                     if (prefs := self.store.get_page_prefs(p.page_id))})
            return configured.with_prefs(self._prefs[1])

    def forget_page_prefs(self) -> None:
        """After the console saves settings, this process reads them at once."""
        with self._lock:
            self._prefs = None

    # --- parts, built once -----------------------------------------------------------------
    @property
    def queue(self) -> EventQueue:
        with self._lock:
            if self._queue is None:
                self._queue = build_queue(self)
            return self._queue

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = build_store(self.settings)
            return self._store

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = build_pipeline(self)
            return self._pipeline

    @property
    def console(self) -> Console:
        """The professional's web console: reads the store, queues changes; never sees a page token."""
        with self._lock:
            if self._console is None:
                self._console = build_console(self)
            return self._console

    @property
    def redelivery_delay(self) -> VisibilitySetter | None:
        """The worker's backoff between SQS receives of a failing message (None without a queue URL)."""
        with self._lock:
            if self._visibility is None and self.settings.queue_url:
                import boto3

                from chalicelib.ingest.worker import visibility_setter

                self._visibility = visibility_setter(self.settings.queue_url, boto3.client("sqs"))
            return self._visibility

    def park_dead_letter(self, event: WebhookEvent, reason: str, attempts: int) -> str:
        """The local queue's dead-letter hook: park an event that kept failing, with its reason."""
        return self.store.park(event, reason, attempts)


def build_deps(settings: Settings) -> Deps:
    return Deps(settings=settings)


def build_pipeline(deps: Deps) -> Pipeline:
    from chalicelib.act.graph import DryRunGraphClient, HttpGraphClient
    from chalicelib.act.pipeline import Pipeline
    from chalicelib.detect.engine import get_detector

    # On AWS the app secret lives in SSM, not the environment; the Graph client signs its calls with it
    # (appsecret_proof), which Meta requires when the app has "Require App Secret" on.
    settings = replace(deps.settings, app_secret=deps.app_secret)
    return Pipeline(
        pages=lambda: deps.pages,
        detector=get_detector(),
        graph=HttpGraphClient.from_settings(settings),
        dry_run_graph=DryRunGraphClient(),
        settings=settings,
        notifier=build_linking_notifier(deps, build_notifier(settings)),
        store=deps.store,
        lease_seconds=settings.step_lease_seconds,
    )


def build_notifier(settings: Settings) -> Notifier:
    """Local stage: .eml files in OUTBOX_DIR. AWS: SES v2."""
    from chalicelib.act.notifier import OutboxNotifier, SesNotifier

    return OutboxNotifier.from_settings(settings) if settings.is_local else SesNotifier.from_settings(settings)


def build_console(deps: Deps) -> Console:
    from chalicelib.console.directory import ConfiguredPages
    from chalicelib.console.web import Console

    return Console(key=lambda: deps.console_key, store=deps.store, queue=deps.queue,
                   directory=ConfiguredPages(lambda: deps.pages, deps.store, deps.forget_page_prefs),
                   secure_cookies=not deps.settings.is_local)


def build_linking_notifier(deps: Deps, notifier: Notifier) -> Notifier:
    """Every alert carries signed links to the console (review, and undo for a hidden comment)."""
    from chalicelib.console.email_links import SignedLinkNotifier

    return SignedLinkNotifier(notifier, key=lambda: deps.console_key, base_url=deps.settings.console_url)


def build_store(settings: Settings) -> Store:
    """Local stage: SqliteStore at STORE_PATH. AWS: DynamoStore on STORE_TABLE."""
    from chalicelib.state.dynamo_store import DynamoStore
    from chalicelib.state.records import DAY
    from chalicelib.state.sqlite_store import SqliteStore

    retention = int(settings.audit_retention_days * DAY)
    if settings.is_local:
        return SqliteStore(settings.store_path, retention_seconds=retention)
    if not settings.store_table:
        raise StoreError("STORE_TABLE is not set")
    import boto3

    return DynamoStore(boto3.resource("dynamodb").Table(settings.store_table), retention_seconds=retention)


def build_queue(deps: Deps) -> EventQueue:
    settings = deps.settings
    if settings.is_local:
        return SqliteEventQueue(
            settings.store_path,
            handler=lambda message: handle_message(message, deps.pipeline),
            on_dead_letter=deps.park_dead_letter,
            worker_thread=settings.local_worker == "thread",
            visibility_timeout=settings.local_queue_visibility_seconds,
        )
    if not settings.queue_url:
        raise ConfigError("QUEUE_URL is not set")
    import boto3

    return SqsEventQueue(boto3.client("sqs"), settings.queue_url)


def load_pages(settings: Settings) -> PagesConfig:
    """Pages configuration: a local JSON file, or on AWS an SSM SecureString through Powertools Parameters."""
    if settings.pages_parameter and not settings.is_local:
        from aws_lambda_powertools.utilities import parameters

        text = parameters.get_parameter(settings.pages_parameter, decrypt=True, max_age=PARAMETER_MAX_AGE_S)
        return _parse_pages_cached(str(text))
    path = Path(settings.pages_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read PAGES_FILE {path}") from exc
    return _parse_pages_cached(text)


_pages_cache: dict[str, PagesConfig] = {}


def _parse_pages_cached(text: str) -> PagesConfig:
    cached = _pages_cache.get(text)
    if cached is None:
        cached = PagesConfig.from_json(text)
        _pages_cache.clear()
        _pages_cache[text] = cached
    return cached


def _secrets(settings: Settings) -> dict[str, str]:
    if not settings.app_secret_parameter or settings.is_local:
        return {}
    from aws_lambda_powertools.utilities import parameters

    raw = parameters.get_parameter(settings.app_secret_parameter, decrypt=True, max_age=PARAMETER_MAX_AGE_S)
    try:
        data = json.loads(str(raw))
    except ValueError as exc:
        raise ConfigError("APP_SECRET_PARAMETER must hold JSON with app_secret and verify_token") from exc
    return {k: str(v) for k, v in data.items() if k in ("app_secret", "verify_token", "console_key")}


_deps: Deps | None = None
_deps_lock = threading.Lock()


def deps() -> Deps:
    """The process-wide dependencies, built on first use (a Lambda cold start pays this once)."""
    global _deps
    with _deps_lock:
        if _deps is None:
            _deps = build_deps(Settings.from_env())
        return _deps


def settings_for(env: Mapping[str, str]) -> Settings:
    """Settings from an environment other than this process's (ops/: a deployed stage's, rebuilt)."""
    return Settings.from_env(env)


def deps_for_env(env: Mapping[str, str]) -> Deps:
    """Dependencies for another environment (ops/ acting on a deployed stage or a local pages file)."""
    return build_deps(settings_for(env))


def use(replacement: Deps | None) -> None:
    """Install other dependencies (tests); None resets to building from the environment."""
    global _deps
    with _deps_lock:
        _deps = replacement

