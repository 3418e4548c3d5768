"""The two public pages Meta's App Dashboard links to: the privacy policy and a data-deletion request's status.

Plain HTML with inline CSS, no scripts and no outside requests, so they render the same anywhere.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone

from chalicelib.state.records import DeletionReceipt

_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}"
    "h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.6rem}td,th{padding:.25rem .75rem .25rem 0;text-align:left}"
)


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _date(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%d %B %Y, %H:%M UTC")


def privacy_policy_html(audit_retention_days: float) -> str:
    days = int(audit_retention_days)
    return _page("PageGuard privacy policy", f"""
<h1>Privacy policy</h1>
<p>PageGuard is software a health practice runs in its own Amazon Web Services account to keep health
information and crisis messages off its public Facebook Page and Instagram account. The practice is
responsible for it; nobody else receives what it processes.</p>
<h2>What it processes</h2>
<p>When you comment on the practice's posts or send it a message, Meta sends the text to PageGuard. PageGuard
checks it automatically for health information or signs of a crisis and may hide the comment, reply with the
practice's contact details or crisis resources, and email the practice that it did so. The email says what kind
of information was found and where, <strong>never the text itself</strong>.</p>
<h2>What it keeps, and for how long</h2>
<ul>
<li>A record of each decision: the ids Meta gives the comment or message and its sender, the kinds of
information found and the actions taken. No text. Kept {days} days.</li>
<li>A note that it already answered a direct message from you, so it answers at most once a day: 24 hours.</li>
<li>A comment or message it could not finish handling, so it can try again: at most 14 days.</li>
<li>Messages waiting to be handled: minutes, at most 4 days if the system is down.</li>
</ul>
<p>Nothing is sold, shared or used for advertising. Data stays encrypted in the practice's AWS account.</p>
<h2>Deleting your data</h2>
<p>Remove the practice's app in Facebook (Settings &amp; privacy &gt; Settings &gt; Apps and websites) and choose
to send a deletion request: PageGuard deletes the records above that carry your id at once and gives you a
confirmation code and a page showing what was deleted. Meta uses different ids for Messenger and Instagram
messages; records under those ids expire on their own within the times above. You can also ask the practice
directly.</p>
""")


def deletion_status_html(receipt: DeletionReceipt | None, code: str) -> str:
    if receipt is None:
        return _page("Deletion request not found", f"""
<h1>Deletion request not found</h1>
<p>No deletion request has the confirmation code <code>{html.escape(code)}</code>. Check the code Facebook
showed you; status pages are kept for a year.</p>""")
    rows = (("Decision records", receipt.audit_records), ("Direct-message reply notes", receipt.dm_reply_slots),
            ("Items waiting for a retry", receipt.dead_letters))
    table = "".join(f"<tr><td>{label}</td><td>{count}</td></tr>" for label, count in rows)
    return _page("Data deletion: completed", f"""
<h1>Data deletion: completed</h1>
<p>Confirmation code <code>{html.escape(receipt.code)}</code>. Requested {_date(receipt.requested_at)};
completed {_date(receipt.completed_at)}.</p>
<p>PageGuard deleted everything it held under your id:</p>
<table><tr><th>what</th><th>deleted</th></tr>{table}</table>
<p>Nothing was refused. This page keeps no copy of your id. Records Meta sent under other ids (Messenger and
Instagram use their own) expire on their own: decision records within the practice's retention period, the
rest within 14 days.</p>""")
