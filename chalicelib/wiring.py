"""Composition root: the one place PageGuard's real objects are built, once per process, from Settings.

`deps()` builds them from the environment (app.py); `deps_for_env(env)` from another environment (ops/ for a
deployed stage); `use()` installs other ones (tests). Nothing under chalicelib/ imports this module: app.py
and ops/ hand the objects in. The builders import their parts when first called, so the webhook Lambda,
which needs only the queue, never loads the detector, the Graph client or boto3's DynamoDB.
"""

from __future__ import annotations

import json
import threading
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
    from chalicelib.connect.facebook_login import FacebookLogin
    from chalicelib.connect.flow import ConnectFlow
    from chalicelib.ingest.worker import VisibilitySetter
    from chalicelib.console.web import Console
    from chalicelib.state.page_directory import PageDirectory
    from chalicelib.state.page_registry import PageRegistry
    from chalicelib.state.store import Store

LOCAL_BASE_URL = "http://127.0.0.1:8000"  # `make run`'s address
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
    _registry: PageRegistry | None = None
    _directory: PageDirectory | None = None
    _connect: ConnectFlow | None = None
    _console: Console | None = None
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
    def pages(self) -> PageDirectory:
        """The one read view of the protected pages (worker, sweeps, console, CLI)."""
        with self._lock:
            if self._directory is None:
                self._directory = build_page_directory(self.settings, self.page_registry)
            return self._directory

    @property
    def page_registry(self) -> PageRegistry:
        with self._lock:
            if self._registry is None:
                self._registry = build_page_registry(self.settings)
            return self._registry

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
    def facebook_login(self) -> FacebookLogin:
        return build_facebook_login(self)

    @property
    def notifier(self) -> Notifier:
        return build_notifier(self.settings)

    @property
    def connect_url(self) -> str:
        """Where a reconnect email sends the professional: this deployment's /connect."""
        return f"{self.settings.public_base_url or LOCAL_BASE_URL}/connect"

    @property
    def connect_flow(self) -> ConnectFlow:
        with self._lock:
            if self._connect is None:
                self._connect = build_connect_flow(self)
            return self._connect

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


def build_facebook_login(deps: Deps) -> FacebookLogin:
    from chalicelib.connect.facebook_login import FacebookLogin

    settings = deps.settings
    if not settings.meta_app_id:
        raise ConfigError("META_APP_ID is not set: Facebook Login needs the Meta app id")
    return FacebookLogin(
        app_id=settings.meta_app_id, app_secret=deps.app_secret, graph_api_url=settings.graph_api_url,
        dialog_url=settings.login_dialog_url,
    )


def build_connect_flow(deps: Deps) -> ConnectFlow:
    from chalicelib.connect.flow import ConnectFlow

    return ConnectFlow(build_facebook_login(deps), deps.page_registry, secret=deps.app_secret)


def build_notifier(settings: Settings) -> Notifier:
    """Local stage: .eml files in OUTBOX_DIR. AWS: SES v2."""
    from chalicelib.act.notifier import OutboxNotifier, SesNotifier

    return OutboxNotifier.from_settings(settings) if settings.is_local else SesNotifier.from_settings(settings)


def build_console(deps: Deps) -> Console:
    from chalicelib.console.directory import RegistryPages
    from chalicelib.console.web import Console

    return Console(key=lambda: deps.console_key, store=deps.store, queue=deps.queue,
                   directory=RegistryPages(deps.pages),
                   secure_cookies=not deps.settings.is_local, base_path=deps.settings.base_path)


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


def build_page_registry(settings: Settings) -> PageRegistry:
    """Local stage: SQLite beside the store, tokens sealed with TOKEN_KEY_FILE (default outside the repo).
    AWS: records in STORE_TABLE, one SSM SecureString per page token."""
    from chalicelib.state import page_registry

    if settings.is_local:
        key_file = settings.token_key_file or str(page_registry.default_key_file())
        registry = page_registry.SqlitePageRegistry(settings.store_path, page_registry.TokenCipher.from_key_file(key_file))
        seed_local_registry(settings, registry)
        return registry
    if not settings.store_table:
        raise StoreError("STORE_TABLE is not set")
    import boto3

    return page_registry.DynamoPageRegistry(
        boto3.resource("dynamodb").Table(settings.store_table), boto3.client("ssm"), stage=settings.stage
    )


def seed_local_registry(settings: Settings, registry: PageRegistry) -> None:
    """Locally the pages file seeds the registry, each new version of it once, before any process reads or
    writes pages, so `make run` needs nothing configured and a page connected later is not overwritten."""
    from chalicelib.state.page_import import import_pages_json

    path = Path(settings.pages_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read PAGES_FILE {path}") from exc
    import_pages_json(text, registry, overwrite=True)


def build_page_directory(settings: Settings, registry: PageRegistry) -> PageDirectory:
    """The read view. On AWS an install that still has PAGES_PARAMETER answers from it for pages the
    registry does not hold yet (until `setup` imports it)."""
    from chalicelib.state.page_directory import PageDirectory

    if settings.is_local:
        return PageDirectory(registry, max_age=settings.page_cache_seconds)
    legacy = (lambda: load_pages(settings)) if settings.pages_parameter else None
    return PageDirectory(registry, max_age=settings.page_cache_seconds, legacy=legacy)


def load_pages(settings: Settings) -> PagesConfig:
    """The legacy pages configuration: a local JSON file, or on AWS an SSM SecureString through Powertools
    Parameters. Only the migration reads it; everything else reads the registry through PageDirectory."""
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

