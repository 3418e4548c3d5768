"""The console's request handling: app.py hands each request's parts to one method and returns the
`WebReply`. GET never changes anything (mail scanners prefetch links); every change is a POST carrying
the session's CSRF token, and is queued to the worker, which alone holds page tokens."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence

from aws_lambda_powertools import Logger
from jinja2 import Environment, PackageLoader, select_autoescape

from chalicelib.console import sessions, signing, views
from chalicelib.console.commands import CommandKind, ConsoleCommand
from chalicelib.console.directory import PageDirectory, SettingsError
from chalicelib.console.health import page_health
from chalicelib.crisis_lines import CRISIS_LINES
from chalicelib.state.store import Store

logger = Logger(service="pageguard", child=True)

AUDIT_SCAN_LIMIT = 1000  # the newest records read for the list (filtering happens after)
MAX_FORM_BYTES = 4096

_templates = Environment(loader=PackageLoader("chalicelib.console", "templates"),
                         autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)


class CommandQueue(Protocol):
    """The queue to the worker (ingest.queue's EventQueue takes commands as well as events)."""

    def send_all(self, events: Sequence[Any]) -> None: ...


@dataclass(frozen=True)
class WebReply:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


class Console:
    def __init__(self, *, key: Callable[[], str], store: Store, queue: CommandQueue, directory: PageDirectory,
                 secure_cookies: bool, base_path: str = "", clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._store = store
        self._queue = queue
        self._directory = directory
        self._secure = secure_cookies
        self._base = base_path  # "/api" behind API Gateway's stage URL: every link, redirect and cookie path
        self._clock = clock

    # --- signing in ---------------------------------------------------------------------------
    def sign_in_page(self, token: str) -> WebReply:
        """GET of the emailed link: checks it but does not use it up; the button POSTs it."""
        try:
            link = sessions.read_link(self._key(), token, self._clock())
        except signing.TokenExpired:
            return self._link_unusable(token, "This sign-in link has expired.")
        except signing.TokenInvalid:
            return self._page("message.html", 403, title="This link is not valid",
                              text="This link was not made by PageGuard or has been altered. Use the link in "
                                   "your latest PageGuard email.")
        names = self._names(link.page_ids)
        return self._page("sign_in.html", 200, token=token, pages=list(names.values()))

    def sign_in(self, form: Mapping[str, str]) -> WebReply:
        token = form.get("t", "")
        now = self._clock()
        try:
            link = sessions.read_link(self._key(), token, now)
        except signing.TokenExpired:
            return self._link_unusable(token, "This sign-in link has expired.")
        except signing.TokenInvalid:
            logger.warning("sign-in refused: invalid link")
            return self._page("message.html", 403, title="This link is not valid",
                              text="This link was not made by PageGuard or has been altered.")
        if not self._store.claim_once(f"link#{link.nonce}", now, link.expires_at - now + 60):
            logger.info("sign-in refused: link already used", extra={"page_ids": list(link.page_ids)})
            return self._link_unusable(token, "This sign-in link has already been used.")
        cookie = sessions.start_session(self._key(), link.page_ids, now, secure=self._secure, base_path=self._base)
        logger.info("console sign-in", extra={"page_ids": list(link.page_ids), "method": "email_link"})
        return self._redirect(link.next_path, {"Set-Cookie": cookie})

    def fresh_link(self, form: Mapping[str, str]) -> WebReply:
        """From an expired or used link: email a new one to the page's own recipients (never elsewhere)."""
        try:
            link = sessions.read_expired_link(self._key(), form.get("t", ""), self._clock())
        except signing.TokenInvalid:
            return self._page("message.html", 403, title="This link is not valid", text="Nothing was sent.")
        for page_id in link.page_ids:
            self._queue.send_all([ConsoleCommand(CommandKind.FRESH_LINK, page_id, next_path=link.next_path,
                                                 requested_at=self._clock())])
        return self._page("message.html", 200, title="Check your email",
                          text="A new sign-in link is on its way to the page's alert recipients.")

    def sign_out(self, cookie: str | None, form: Mapping[str, str]) -> WebReply:
        session = self._session(cookie)
        if session is not None and not sessions.csrf_ok(self._key(), session, form.get("csrf", "")):
            return self._csrf_refused()
        return self._redirect("/console/signed-out",
                              {"Set-Cookie": sessions.end_session(secure=self._secure, base_path=self._base)})

    def signed_out(self) -> WebReply:
        return self._page("message.html", 200, title="Signed out",
                          text="Use the link in any PageGuard email to sign in again.")

    # --- pages -------------------------------------------------------------------------------
    def decisions(self, cookie: str | None, query: Mapping[str, str] | None) -> WebReply:
        session = self._session(cookie)
        if session is None:
            return self._signed_out_page()
        filters = views.clean_filters(query)
        names = self._names(session.page_ids)
        rows = views.decisions(self._store.list_audit(limit=AUDIT_SCAN_LIMIT),
                               {k: v.name for k, v in names.items()}, filters)
        return self._page("decisions.html", 200, session=session, rows=rows, filters=filters,
                          options=views.FILTERS, pages=list(names.values()))

    def item(self, cookie: str | None, item_id: str, query: Mapping[str, str] | None) -> WebReply:
        session = self._session(cookie)
        if session is None:
            return self._signed_out_page()
        record = self._store.get_audit(item_id)
        if record is None or not session.can_see(record.page_id):
            return self._page("message.html", 404, session=session, title="Not found",
                              text="There is no such item on your pages.")
        names = self._names(session.page_ids)
        view = views.decision_view(record, names[record.page_id].name if record.page_id in names else record.page_id)
        query = query or {}
        return self._page("item.html", 200, session=session, row=view, pages=list(names.values()),
                          requested=query.get("requested", "") if query.get("requested") in ("undo", "keep") else "",
                          undo_asked=query.get("undo") == "1",
                          csrf=sessions.csrf_token(self._key(), session))

    def act(self, cookie: str | None, item_id: str, kind: str, form: Mapping[str, str]) -> WebReply:
        """POST undo or keep: checked against the session's pages and CSRF token, then queued."""
        session = self._session(cookie)
        if session is None:
            return self._signed_out_page(status=403)
        if not sessions.csrf_ok(self._key(), session, form.get("csrf", "")):
            return self._csrf_refused()
        record = self._store.get_audit(item_id)
        if record is None or not session.can_see(record.page_id):
            return self._page("message.html", 404, session=session, title="Not found",
                              text="There is no such item on your pages.")
        command = CommandKind.UNDO if kind == "undo" else CommandKind.KEEP_HIDDEN
        if command is CommandKind.UNDO and views.undo_state(record) != "available":
            return self._page("message.html", 409, session=session, title="Nothing to undo",
                              text="PageGuard did not hide this item, or it was already unhidden.")
        self._queue.send_all([ConsoleCommand(command, record.page_id, item_id=item_id, requested_at=self._clock())])
        logger.info("console command queued", extra={"command": str(command), "item_id": item_id,
                                                     "page_id": record.page_id})
        requested = "undo" if command is CommandKind.UNDO else "keep"
        return self._redirect(f"/console/items/{urllib.parse.quote(item_id)}?requested={requested}")

    def health(self, cookie: str | None, query: Mapping[str, str] | None = None) -> WebReply:
        session = self._session(cookie)
        if session is None:
            return self._signed_out_page()
        records = self._store.list_audit(limit=AUDIT_SCAN_LIMIT)
        letters = self._store.list_dead_letters(limit=1000)
        pending = getattr(self._queue, "pending", None)
        panels = []
        for page_id in session.page_ids:
            choices = self._directory.choices(page_id)
            if choices is None:
                continue
            accounts = {page_id, *(s.instagram_id for s in self._directory.summaries([page_id]).values() if s.instagram_id)}
            panels.append(page_health(page_id, choices.name, observing=choices.mode == "observe", records=records,
                                      health=self._store.get_page_health(page_id), dead_letters=letters,
                                      account_ids=accounts, backlog=pending() if callable(pending) else None,
                                      now=self._clock()))
        return self._page("health.html", 200, session=session, panels=panels,
                          checking=(query or {}).get("checking", ""))

    def check_token(self, cookie: str | None, page_id: str, form: Mapping[str, str]) -> WebReply:
        session, refused = self._page_post(cookie, page_id, form)
        if refused is not None:
            return refused
        self._queue.send_all([ConsoleCommand(CommandKind.CHECK_TOKEN, page_id, requested_at=self._clock())])
        return self._redirect(f"/console/health?checking={urllib.parse.quote(page_id)}")

    def settings(self, cookie: str | None, query: Mapping[str, str] | None = None) -> WebReply:
        session = self._session(cookie)
        if session is None:
            return self._signed_out_page()
        pages = [c for c in (self._directory.choices(p) for p in session.page_ids) if c is not None]
        return self._page("settings.html", 200, session=session, pages=pages, countries=CRISIS_LINES.values(),
                          saved=(query or {}).get("saved", ""))

    def save_settings(self, cookie: str | None, page_id: str, form: Mapping[str, str]) -> WebReply:
        session, refused = self._page_post(cookie, page_id, form)
        if refused is not None:
            return refused
        try:
            self._directory.save_choices(page_id, form)
        except SettingsError as exc:
            pages = [c for c in (self._directory.choices(p) for p in session.page_ids) if c is not None]
            return self._page("settings.html", 400, session=session, pages=pages, countries=CRISIS_LINES.values(),
                              error=str(exc), error_page=page_id)
        logger.info("page settings saved", extra={"page_id": page_id})
        return self._redirect(f"/console/settings?saved={urllib.parse.quote(page_id)}")

    # --- helpers -------------------------------------------------------------------------------
    def _page_post(self, cookie: str | None, page_id: str,
                   form: Mapping[str, str]) -> tuple[sessions.Session | None, WebReply | None]:
        """A POST about one page: signed in, with the CSRF token, for a page of the session; else the refusal."""
        session = self._session(cookie)
        if session is None:
            return None, self._signed_out_page(status=403)
        if not sessions.csrf_ok(self._key(), session, form.get("csrf", "")):
            return session, self._csrf_refused()
        if not session.can_see(page_id):
            return session, self._page("message.html", 404, session=session, title="Not found",
                                       text="That is not your page.")
        return session, None

    def _session(self, cookie: str | None) -> sessions.Session | None:
        return sessions.read_session(self._key(), cookie, self._clock())

    def _names(self, page_ids: Any) -> dict:
        return self._directory.summaries(page_ids)

    def _link_unusable(self, token: str, why: str) -> WebReply:
        return self._page("link_unusable.html", 410, token=token, why=why)

    def _signed_out_page(self, status: int = 401) -> WebReply:
        return self._page("message.html", status, title="Please sign in",
                          text="Open the link in your latest PageGuard email to sign in. No password is needed.")

    def _csrf_refused(self) -> WebReply:
        logger.warning("console POST refused: CSRF token missing or wrong")
        return self._page("message.html", 403, title="Request refused",
                          text="This form had expired or did not come from PageGuard. Reload the page and try again.")

    def _redirect(self, path: str, headers: Mapping[str, str] | None = None) -> WebReply:
        """303 to an app path ("/console/..."), under the stage the browser sees the app at."""
        return WebReply(303, "", {"Location": self._base + path, **(headers or {})})

    def _page(self, template: str, status: int, **context: Any) -> WebReply:
        session = context.get("session")
        if session is not None and "csrf" not in context:
            context["csrf"] = sessions.csrf_token(self._key(), session)
        body = _templates.get_template(template).render(base=self._base, **context)
        return WebReply(status, body, {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",  # the sign-in token must not leak to Meta through a click
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                       "form-action 'self'; frame-ancestors 'none'",
        })


def parse_form(raw_body: bytes | None) -> dict[str, str]:
    """An urlencoded form body; oversized or undecodable bodies give an empty form (refused later)."""
    body = raw_body or b""
    if len(body) > MAX_FORM_BYTES:
        return {}
    try:
        pairs = urllib.parse.parse_qsl(body.decode("ascii"), keep_blank_values=True)
    except UnicodeDecodeError:
        return {}
    return dict(pairs)
