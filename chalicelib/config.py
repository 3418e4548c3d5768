"""Settings read from the environment once, and the per-page configuration (a pages file, or an SSM parameter on AWS)."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol

from chalicelib.crisis_lines import GENERIC_REPLY, default_crisis_reply, normalise_country
from chalicelib.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent

# Local development defaults: printed in the README, never used on AWS (stages dev/prod set real values).
LOCAL_APP_SECRET = "pageguard-local-app-secret"
LOCAL_VERIFY_TOKEN = "pageguard-local-verify-token"
LOCAL_CONSOLE_KEY = "pageguard-local-console-key"
LOCAL_CONSOLE_URL = "http://127.0.0.1:8000"
# The one Graph API version PageGuard calls (docs/deploy.md, "Moving to a newer Graph API version"): the
# stages, the fake Graph API and the fixtures follow it; tests/test_graph_version.py checks they agree.
GRAPH_API_VERSION = "v25.0"
DEFAULT_GRAPH_API_URL = f"https://graph.facebook.com/{GRAPH_API_VERSION}"
DEFAULT_LOGIN_DIALOG_URL = f"https://www.facebook.com/{GRAPH_API_VERSION}/dialog/oauth"
LOCAL_META_APP_ID = "1234567890123456"  # the fake Graph's app (tests/fake_graph.py)
DEFAULT_AUDIT_RETENTION_DAYS = 90.0
# Webhook items older than this are skipped at intake (ingest/replay.py): Meta retries for 36 hours at most.
DEFAULT_REPLAY_WINDOW_DAYS = 3.0
DEFAULT_NOTIFY_FROM = "PageGuard <alerts@pageguard.invalid>"
# How often the reconcile sweep runs (app.py's schedule; reconcile.py looks back further than this).
RECONCILE_EVERY_MINUTES = 15

# Safe-messaging guidance: short, no method details, no clinical advice, points to help now. Without a
# country the reply assumes none (crisis_lines.py has each country's real lines).
DEFAULT_CRISIS_REPLY = GENERIC_REPLY
MODES = ("protect", "observe")  # observe: act on nothing; record and alert what would have been done

# Emails and phone-like runs in free text: the practice's own contact details in its contact_reply.
EMAIL_PATTERN = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
CONTACT_RE = re.compile(EMAIL_PATTERN + r"|\+?\d[\d\s().-]{6,}\d")


def extract_contacts(text: str) -> tuple[str, ...]:
    """The emails and phone numbers written in `text`, in order, without repeats."""
    return tuple(dict.fromkeys(m.group().strip() for m in CONTACT_RE.finditer(text)))


@dataclass(frozen=True)
class PageSettings:
    """One protected Facebook Page (and optionally its linked Instagram professional account)."""

    page_id: str
    name: str
    access_token: str = field(repr=False)  # a page token: never printed
    notify_email: str
    contact_reply: str
    instagram_id: str = ""
    crisis_reply: str = DEFAULT_CRISIS_REPLY
    country: str = ""  # ISO code: picks the default crisis reply's lines
    mode: str = "protect"  # "protect" | "observe": decide and alert, log Graph calls instead of sending
    extra_recipients: tuple[str, ...] = ()  # alert recipients besides notify_email
    weekly_digest: bool = True

    @property
    def observing(self) -> bool:
        return self.mode == "observe"

    @property
    def observe(self) -> bool:
        """The page registry's name for observe mode: the same thing as `observing`."""
        return self.observing

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for r in (self.notify_email, *self.extra_recipients) if r))

    @property
    def allowed_contacts(self) -> tuple[str, ...]:
        """The practice's own phone numbers and emails, taken from its contact reply: never flagged."""
        return extract_contacts(self.contact_reply)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PageSettings":
        missing = [k for k in ("page_id", "name", "notify_email", "contact_reply") if not data.get(k)]
        if missing:
            raise ConfigError(f"page entry is missing {', '.join(missing)}")
        return cls(
            page_id=str(data["page_id"]),
            name=str(data["name"]),
            access_token=str(data.get("access_token") or ""),
            notify_email=str(data["notify_email"]),
            contact_reply=str(data["contact_reply"]),
            instagram_id=str(data.get("instagram_id") or ""),
            crisis_reply=str(data.get("crisis_reply") or default_crisis_reply(str(data.get("country") or ""))),
            country=normalise_country(str(data.get("country") or "")),
            mode=str(data.get("mode") or "protect") if data.get("mode") in MODES else "protect",
            extra_recipients=tuple(str(e) for e in data.get("extra_recipients") or ()),
            weekly_digest=bool(data.get("weekly_digest", True)),
        )


@dataclass(frozen=True)
class PagesConfig:
    """All protected pages, looked up by Facebook Page id or Instagram account id."""

    pages: tuple[PageSettings, ...] = ()
    _by_account: dict[str, PageSettings] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for page in self.pages:
            self._by_account[page.page_id] = page
            if page.instagram_id:
                self._by_account[page.instagram_id] = page

    def for_account(self, account_id: str) -> PageSettings | None:
        return self._by_account.get(account_id)

    @classmethod
    def from_json(cls, text: str) -> "PagesConfig":
        try:
            data = json.loads(text)
            entries = data["pages"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError('pages configuration must be JSON like {"pages": [...]}') from exc
        if not isinstance(entries, list):
            raise ConfigError('"pages" must be a list')
        return cls(pages=tuple(PageSettings.from_dict(entry) for entry in entries))


class PageLookup(Protocol):
    """What readers of the pages need: `PagesConfig` (a JSON file) and `PageDirectory` (the registry)."""

    def for_account(self, account_id: str) -> PageSettings | None: ...

    @property
    def pages(self) -> tuple[PageSettings, ...]: ...


def _days(value: str | None, default: float) -> float:
    if value is None or value.strip() == "":
        return default
    try:
        days = float(value)
    except ValueError as exc:
        raise ConfigError("AUDIT_RETENTION_DAYS must be a number of days") from exc
    if days <= 0:
        raise ConfigError("AUDIT_RETENTION_DAYS must be positive")
    return days


def _positive(value: str | None, default: float) -> float:
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise ConfigError(f"expected a positive number, got {value!r}") from exc
    if not number > 0 or number == float("inf"):
        raise ConfigError(f"expected a positive number, got {value!r}")
    return number


def _bool(value: str | None, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _stage(env: Mapping[str, str]) -> str:
    """PAGEGUARD_STAGE, failing closed: on Lambda a missing stage (or "local", whose secret is published in
    the README) is a deployment error, never a reason to accept webhooks signed with the local secret."""
    stage = (env.get("PAGEGUARD_STAGE") or "").strip()
    on_lambda = bool(env.get("AWS_LAMBDA_FUNCTION_NAME"))
    if on_lambda and stage in ("", "local"):
        raise ConfigError(f"PAGEGUARD_STAGE is {stage or 'not set'} on AWS Lambda: set dev or prod (.chalice/config.json)")
    return stage or "local"


@dataclass(frozen=True)
class Settings:
    """Process-wide settings. Only wiring.py calls from_env(); ops/ passes it a deployed stage's environment."""

    stage: str
    app_secret: str = field(repr=False)  # secrets never appear in a repr (logs, tracebacks)
    verify_token: str = field(repr=False)
    graph_api_url: str
    pages_file: str  # local: path to the pages JSON
    pages_parameter: str  # AWS: the SSM SecureString parameter holding the same JSON
    store_path: str
    outbox_dir: str
    notify_from: str
    dry_run: bool | None  # None: decide per page (dry run when the page has no access token)
    queue_url: str
    app_secret_parameter: str
    store_table: str  # AWS: the DynamoDB table for idempotency, audit, dead letters
    dead_letter_queue_url: str  # AWS: SQS's own dead-letter queue (messages whose worker crashed or timed out)
    audit_retention_days: float
    # POWERTOOLS_IDEMPOTENCY_DISABLED: Powertools then runs every step again on redelivery (tests of
    # other projects use it); PageGuard only warns, because acting once is what its replies rely on.
    idempotency_disabled: bool = False
    # local: "thread" (a worker thread in the web process: plain `chalice local`, tests) or "process"
    # (`make run` starts separate worker processes, so the web process only answers webhooks)
    local_worker: str = "thread"
    # local: seconds a claimed queue row stays invisible to other workers (SQS's visibility timeout)
    local_queue_visibility_seconds: float = 30.0
    # how long an action step started by a worker that then died blocks a retry (the step's lease)
    step_lease_seconds: int = 120
    # page registry (state/page_registry.py): the local token key file (outside the repo) and how long
    # a worker keeps a page's settings and token before reading them again
    token_key_file: str = ""
    page_cache_seconds: float = 60.0
    # Facebook Login (connect/): the Meta app id, the login dialog's base URL, and this deployment's
    # public base URL (the callback is <public_base_url>/connect/callback)
    meta_app_id: str = ""
    login_dialog_url: str = DEFAULT_LOGIN_DIALOG_URL
    public_base_url: str = ""
    # The console: its public base URL (the links in emails; the same app, so PUBLIC_BASE_URL unless
    # CONSOLE_URL says otherwise) and the key that signs links and sessions (on AWS "console_key" in the
    # APP_SECRET_PARAMETER JSON, like the app secret)
    console_url: str = ""
    console_key: str = ""
    # AWS: the SES configuration set alerts are sent with (its bounces and complaints come back to the worker)
    ses_configuration_set: str = ""
    # webhook items created longer ago than this are not acted on at intake (ingest/replay.py); scan is for those
    replay_window_days: float = DEFAULT_REPLAY_WINDOW_DAYS

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def base_path(self) -> str:
        """The path the browser sees the app under: "/api" on API Gateway's own URL (its stage), "" on a
        custom domain or locally. Links, redirects and cookie paths of the web pages start with it."""
        return urllib.parse.urlsplit(self.console_url or self.public_base_url).path.rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        stage = _stage(env)
        local = stage == "local"
        return cls(
            stage=stage,
            app_secret=env.get("APP_SECRET") or (LOCAL_APP_SECRET if local else ""),
            verify_token=env.get("VERIFY_TOKEN") or (LOCAL_VERIFY_TOKEN if local else ""),
            graph_api_url=(env.get("GRAPH_API_URL") or DEFAULT_GRAPH_API_URL).rstrip("/"),
            pages_file=env.get("PAGES_FILE") or str(REPO_ROOT / "pages.example.json"),
            pages_parameter=env.get("PAGES_PARAMETER", ""),
            store_path=env.get("STORE_PATH") or str(REPO_ROOT / ".local" / "pageguard.sqlite3"),
            outbox_dir=env.get("OUTBOX_DIR") or str(REPO_ROOT / ".local" / "outbox"),
            notify_from=env.get("NOTIFY_FROM") or DEFAULT_NOTIFY_FROM,
            dry_run=_bool(env.get("DRY_RUN"), None),
            queue_url=env.get("QUEUE_URL", ""),
            app_secret_parameter=env.get("APP_SECRET_PARAMETER", ""),
            store_table=env.get("STORE_TABLE", ""),
            dead_letter_queue_url=env.get("DEAD_LETTER_QUEUE_URL", ""),
            audit_retention_days=_days(env.get("AUDIT_RETENTION_DAYS"), DEFAULT_AUDIT_RETENTION_DAYS),
            idempotency_disabled=bool(_bool(env.get("POWERTOOLS_IDEMPOTENCY_DISABLED"), False)),
            local_worker="process" if env.get("LOCAL_WORKER") == "process" else "thread",
            local_queue_visibility_seconds=_positive(env.get("LOCAL_QUEUE_VISIBILITY_SECONDS"), 30.0),
            step_lease_seconds=int(_positive(env.get("STEP_LEASE_SECONDS"), 120)),
            token_key_file=env.get("TOKEN_KEY_FILE", ""),
            page_cache_seconds=_positive(env.get("PAGE_CACHE_SECONDS"), 60.0),
            meta_app_id=env.get("META_APP_ID") or (LOCAL_META_APP_ID if local else ""),
            login_dialog_url=(env.get("LOGIN_DIALOG_URL") or DEFAULT_LOGIN_DIALOG_URL).rstrip("/"),
            public_base_url=(env.get("PUBLIC_BASE_URL") or "").rstrip("/"),
            console_url=(env.get("CONSOLE_URL") or env.get("PUBLIC_BASE_URL")
                         or (LOCAL_CONSOLE_URL if local else "")).rstrip("/"),
            console_key=env.get("CONSOLE_KEY") or (LOCAL_CONSOLE_KEY if local else ""),
            ses_configuration_set=env.get("SES_CONFIGURATION_SET", ""),
            replay_window_days=_positive(env.get("REPLAY_WINDOW_DAYS"), DEFAULT_REPLAY_WINDOW_DAYS),
        )

    def dry_run_for(self, page: PageSettings) -> bool:
        if page.observing:  # the practice is trying PageGuard: nothing is done on Meta, everything recorded
            return True
        if self.dry_run is not None:
            return self.dry_run
        return not page.access_token
