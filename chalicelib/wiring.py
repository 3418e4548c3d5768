"""Composition root: builds the real objects once per process from Settings; tests swap them with use()."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from chalicelib.config import PagesConfig, Settings
from chalicelib.errors import ConfigError
from chalicelib.queue import EventQueue, SqliteEventQueue, SqsEventQueue

PARAMETER_MAX_AGE_S = 300  # re-read SSM parameters at most every 5 minutes (token rotation, new pages)


@dataclass
class Deps:
    """Everything the handlers need. Expensive parts (detector, pipeline) are built on first use."""

    settings: Settings
    _queue: EventQueue | None = None
    _pipeline: Any = None
    _store: Any = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # --- secrets and pages ---------------------------------------------------------------
    @property
    def app_secret(self) -> str:
        return self.settings.app_secret or _secrets(self.settings).get("app_secret", "")

    @property
    def verify_token(self) -> str:
        return self.settings.verify_token or _secrets(self.settings).get("verify_token", "")

    @property
    def pages(self) -> PagesConfig:
        return load_pages(self.settings)

    # --- hand-off ------------------------------------------------------------------------
    @property
    def queue(self) -> EventQueue:
        with self._lock:
            if self._queue is None:
                self._queue = build_queue(self)
            return self._queue

    # --- pipeline wiring ---
    @property
    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                from chalicelib.store import build_store

                self._store = build_store(self.settings)
            return self._store

    @property
    def pipeline(self) -> Any:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = build_pipeline(self)
            return self._pipeline
    # --- end pipeline wiring ---


def build_pipeline(deps: Deps) -> Any:
    from chalicelib.pipeline import build_pipeline as build

    # On AWS the app secret lives in SSM, not the environment; the Graph client signs its calls with it
    # (appsecret_proof), which Meta requires when the app has "Require App Secret" on.
    settings = replace(deps.settings, app_secret=deps.app_secret)
    return build(settings=settings, pages_loader=lambda: deps.pages, store=deps.store)


def build_queue(deps: Deps) -> EventQueue:
    settings = deps.settings
    if settings.is_local:
        return SqliteEventQueue(
            settings.store_path,
            handler=lambda event: deps.pipeline.handle(event),
            on_dead_letter=lambda event, reason, attempts: deps.store.park(event, reason, attempts),
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
    return {k: str(v) for k, v in data.items() if k in ("app_secret", "verify_token")}


_deps: Deps | None = None
_deps_lock = threading.Lock()


def deps() -> Deps:
    """The process-wide dependencies, built on first use (a Lambda cold start pays this once)."""
    global _deps
    with _deps_lock:
        if _deps is None:
            _deps = Deps(settings=Settings.from_env())
        return _deps


def use(replacement: Deps | None) -> None:
    """Install other dependencies (tests); None resets to building from the environment."""
    global _deps
    with _deps_lock:
        _deps = replacement
