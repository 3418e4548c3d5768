"""The weekly digest email per page: counts by verdict and surface, how many hides the professional undid,
items in a language PageGuard cannot check, a table-based bar chart (renders in every common mail client,
no images), the page's health line and the signed console link. Counts only: no text, names or contacts."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Iterable

from chalicelib.config import PageSettings
from chalicelib.models import ActionKind
from chalicelib.state.records import DAY, AuditRecord, StepStatus

WEEK = 7 * DAY
VERDICT_NAMES = {"crisis": "Crisis", "sensitive": "Sensitive", "ok": "Fine"}


@dataclass(frozen=True)
class Digest:
    """One page's week. Sent through the same Notifier as alerts (it renders itself)."""

    page_id: str
    page_name: str
    to: str
    start: float
    end: float
    by_verdict: tuple[tuple[str, int], ...]
    by_surface: tuple[tuple[str, int], ...]
    hides: int
    undone: int
    unsupported_language: int
    health: str
    console_path: str = "/console"
    review_link: str = ""
    undo_link: str = ""
    kind: str = "digest"
    urgent: bool = False
    item_id: str = ""
    offers_undo: bool = False

    def render(self, sender: str) -> EmailMessage:
        msg = EmailMessage(policy=policy.SMTP)
        msg["Subject"] = f"[PageGuard] Your week on {self.page_name}: {sum(n for _, n in self.by_verdict)} items checked"
        msg["From"], msg["To"] = sender, self.to
        msg["Date"] = format_datetime(datetime.now(timezone.utc))
        msg["Message-ID"] = make_msgid(domain="pageguard.invalid")
        msg["X-PageGuard-Alert"] = self.kind
        msg.set_content(self._plain(), subtype="plain", charset="utf-8")
        msg.add_alternative(self._html(), subtype="html", charset="utf-8")
        return msg

    def _period(self) -> str:
        day = lambda t: datetime.fromtimestamp(t, tz=timezone.utc).strftime("%d %b %Y")  # noqa: E731
        return f"{day(self.start)} to {day(self.end)}"

    def _undo_line(self) -> str:
        if not self.hides:
            return "PageGuard hid no comments this week."
        return (f"PageGuard hid {self.hides} comment{'s' if self.hides != 1 else ''}; you undid {self.undone} "
                f"(hides you did not review count as right).")

    def _plain(self) -> str:
        lines = [f"PageGuard weekly digest for {self.page_name}, {self._period()}", ""]
        lines += [f"{name}: {n}" for name, n in self.by_verdict] + [""]
        lines += [f"{name}: {n}" for name, n in self.by_surface] + ["", self._undo_line()]
        if self.unsupported_language:
            lines.append(f"{self.unsupported_language} item(s) in a language PageGuard cannot check: please read them yourself.")
        lines += ["", f"Health: {self.health}"]
        if self.review_link:
            lines += ["", f"Open your console: {self.review_link}"]
        return "\n".join(lines) + "\n"

    def _html(self) -> str:
        e = html.escape
        top = max([n for _, n in self.by_verdict + self.by_surface] or [1]) or 1

        def bars(rows: tuple[tuple[str, int], ...]) -> str:
            out = []
            for name, n in rows:
                width = max(1, round(200 * n / top)) if n else 0
                bar = (f'<td style="background:#0b57d0;width:{width}px;height:14px"></td>' if width else "") + \
                      f'<td style="padding-left:6px">{n}</td>'
                out.append(f'<tr><th align="left" style="padding-right:8px;font-weight:normal">{e(name)}</th>'
                           f'<td><table role="presentation" cellpadding="0" cellspacing="0"><tr>{bar}</tr></table></td></tr>')
            return '<table role="presentation" cellpadding="2" cellspacing="0">' + "".join(out) + "</table>"

        parts = [f"<!doctype html><html><body style=\"font-family:sans-serif\"><h2>{e(self.page_name)}: your week</h2>",
                 f"<p>{e(self._period())}</p>", "<h3>By verdict</h3>", bars(self.by_verdict),
                 "<h3>Where</h3>", bars(self.by_surface), f"<p>{e(self._undo_line())}</p>"]
        if self.unsupported_language:
            parts.append(f"<p>{self.unsupported_language} item(s) in a language PageGuard cannot check: please read them yourself.</p>")
        parts.append(f"<p><strong>Health:</strong> {e(self.health)}</p>")
        if self.review_link.startswith(("https://", "http://")):
            parts.append(f'<p><a href="{e(self.review_link, quote=True)}">Open your PageGuard console</a></p>')
        return "\n".join(parts + ["</body></html>"]) + "\n"


def _done(record: AuditRecord, step: str) -> bool:
    return any(a.step == step and a.status == StepStatus.DONE for a in record.actions)


def build_digest(page: PageSettings, records: Iterable[AuditRecord], now: float, health: dict[str, Any] | None) -> Digest:
    week = [r for r in records if r.page_id == page.page_id and now - WEEK <= (r.first_seen_at or r.updated_at) <= now]
    verdicts = Counter(r.label or "ok" for r in week)
    surfaces = Counter("Comments" if r.surface == "comment" else "Direct messages" for r in week)
    hides = [r for r in week if _done(r, ActionKind.HIDE.value)]
    if health and health.get("token_ok") is False:
        health_line = f"the page's token is not working ({health.get('detail', '')}): reconnect the page"
    elif week:
        health_line = "protecting your page: webhooks arriving, no token problem seen"
    else:
        health_line = "no items this week; open the console's health panel if you expected some"
    return Digest(
        page_id=page.page_id, page_name=page.name, to=", ".join(page.recipients), start=now - WEEK, end=now,
        by_verdict=tuple((VERDICT_NAMES[k], verdicts.get(k, 0)) for k in ("crisis", "sensitive", "ok")),
        by_surface=tuple((k, surfaces.get(k, 0)) for k in ("Comments", "Direct messages")),
        hides=len(hides), undone=sum(_done(r, "unhide") for r in hides),
        unsupported_language=sum(1 for r in week if r.language and r.language not in ("en", "es")),
        health=health_line,
    )
