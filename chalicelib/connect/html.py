"""The connect flow's HTML: the page picker, the result and errors. Self-contained pages, every value escaped."""

from __future__ import annotations

from html import escape
from typing import Mapping

from chalicelib.connect.flow import ConnectResult, PickerView
from chalicelib.state.page_registry import PageRecord

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2430}"
    "fieldset{border:1px solid #c9d1dc;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}"
    "label{display:block;margin:.4rem 0}input[type=email],textarea{width:100%;box-sizing:border-box}"
    ".warn{background:#fff4e5;border-left:4px solid #e08a00;padding:.5rem 1rem}"
    ".bad{color:#a4161a}.ok{color:#1b7f3b}button,.button{font-size:1rem;padding:.5rem 1rem}"
)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · PageGuard</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def missing_permissions_html(missing: Mapping[str, str], base: str = "") -> str:
    if not missing:
        return ""
    rows = "".join(f"<li><code>{escape(name)}</code>: {escape(why)}</li>" for name, why in missing.items())
    return (
        f'<div class="warn" id="declined"><p>You did not grant every permission PageGuard uses:</p><ul>{rows}</ul>'
        f'<p><a href="{escape(base)}/connect?rerequest=1">Grant them now</a></p></div>'
    )


def picker_html(view: PickerView, base: str = "") -> str:
    """`base` is the path the app is served under ("/api" on API Gateway's stage URL), as in every link."""
    if not view.pages:
        return _page("No pages to connect", missing_permissions_html(view.missing_permissions, base)
                     + "<p>Facebook lists no Page that you manage for PageGuard.</p>")
    fieldsets = "".join(_page_fieldset(p.page_id, p.name, p.instagram_username, p.can_moderate, view.existing.get(p.page_id))
                        for p in view.pages)
    return _page(
        "Choose the pages to protect",
        missing_permissions_html(view.missing_permissions, base)
        + f'<form method="post" action="{escape(base)}/connect/pages"><input type="hidden" name="csrf" value="{escape(view.csrf)}">'
        + fieldsets + '<button type="submit" id="connect-pages">Protect the chosen pages</button></form>',
    )


def _page_fieldset(page_id: str, name: str, instagram: str, can_moderate: bool, old: PageRecord | None) -> str:
    pid = escape(page_id)
    notify = escape(old.notify_email if old else "")
    reply = escape(old.contact_reply if old else "")
    observe = old is not None and old.mode == "observe"
    ig = f" and Instagram @{escape(instagram)}" if instagram else ""
    role = "" if can_moderate else '<p class="bad">Your role on this Page cannot moderate comments.</p>'
    return (
        f'<fieldset><legend><label><input type="checkbox" name="page_id" value="{pid}" checked> '
        f"{escape(name)}{ig}</label></legend>{role}"
        f'<label>Alert emails go to <input type="email" name="notify_email_{pid}" value="{notify}" required></label>'
        f'<label>Reply to a visitor who shares health details<textarea name="contact_reply_{pid}" rows="3">{reply}'
        "</textarea></label>"
        f'<label><input type="radio" name="mode_{pid}" value="protect"{"" if observe else " checked"}> Protect: hide and reply</label>'
        f'<label><input type="radio" name="mode_{pid}" value="observe"{" checked" if observe else ""}> Observe: alert only</label>'
        "</fieldset>"
    )


def result_html(result: ConnectResult, base: str = "") -> str:
    rows = "".join(
        f'<li id="page-{escape(p.page_id)}">{escape(p.name)}: '
        + ('<span class="ok">protected</span>' if not p.problem else f'<span class="bad">{escape(p.problem)}</span>')
        + "</li>"
        for p in result.connected
    )
    scan = (
        "<p>To check the comments of the last 30 days, run the back-fill scan; by default it only reports "
        "(observe) and hides nothing: <code>python -m ops.cli scan --stage &lt;stage&gt; --since 30d</code>.</p>"
    )
    console = (f'<p><a id="open-console" href="{escape(base)}/console">Open your console</a>: decisions, health and settings '
               "for these pages.</p>") if result.console_pages else ""
    return _page("Pages connected", f"<ul>{rows}</ul>" + missing_permissions_html(result.missing_permissions, base) + scan
                 + console)


def error_html(message: str, base: str = "") -> str:
    return _page("Could not connect", f'<p class="bad" id="error">{escape(message)}</p><p><a href="{escape(base)}/connect">Start again</a></p>')
