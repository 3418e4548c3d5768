"""What an alert email says: the `Alert` value, built from ids, types and PageGuard's own wording, and its rendering.

An `Alert` has, by construction, no field for the comment or message text, the person's name or their
contact details: only ids, types, the page's own name and what was done. notifier.py sends it.
"""

from __future__ import annotations

import enum
import html
import re
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Iterable
from urllib.parse import urlsplit

from chalicelib.act.graph import describe_graph_error
from chalicelib.detect.language import LANGUAGE_NAMES
from chalicelib.config import PageSettings
from chalicelib.errors import GraphError
from chalicelib.models import Action, ActionKind, Platform, Surface, Verdict, WebhookEvent

class AlertKind(enum.StrEnum):
    DETECTION = "detection"  # a visitor's item was sensitive or a crisis
    OWN_CONTENT = "own_content"  # the page's own post or comment may identify a client
    RECONNECT = "reconnect"  # the page's token expired: reconnect it
    ACTION_FAILED = "action_failed"  # a hide or reply failed for good
    QUIET = "quiet"  # a page that usually gets webhooks has had none for 72 hours
    SIGN_IN = "sign_in"  # a fresh sign-in link to the console, asked for from an expired or used one
    UNSUPPORTED_LANGUAGE = "unsupported_language"  # a visitor wrote in a language PageGuard cannot check

FACEBOOK_INBOX = "https://business.facebook.com/latest/inbox/all"
INSTAGRAM_INBOX = "https://www.instagram.com/direct/inbox/"

# Friendly names for entity types; anything else is shown as its lower-cased type name.
ENTITY_LABELS = {
    "PERSON": "a person's name",
    "PHONE_NUMBER": "a phone number",
    "EMAIL_ADDRESS": "an email address",
    "LOCATION": "a location or address",
    "DATE_TIME": "a date or time",
    "US_SSN": "a social security number",
    "MEDICAL_LICENSE": "a medical licence number",
    "URL": "a link",
    # Detection's own types, in the words a professional would use (not "crisis suicide").
    "HEALTH_CONDITION": "a health condition",
    "MEDICATION": "a medication",
    "TREATMENT": "a treatment or appointment",
    "THERAPY_RELATIONSHIP": "being a client",
    "SUBSTANCE_USE": "substance use",
    "SEXUAL_HEALTH": "sexual or reproductive health",
    "DISABILITY": "a disability",
    "CARE_PROVIDER": "a care provider",
    "CRISIS_MENTION": "self-harm or suicide mentioned",
    "CRISIS_SUICIDE": "suicide risk",
    "CRISIS_SELF_HARM": "self-harm",
    "CRISIS_HARM_OTHERS": "a threat to someone",
    "CRISIS_CHILD_AT_RISK": "a child at risk",
    "CRISIS_OVERDOSE": "an overdose or lethal dose",
    "CRISIS_EMERGENCY": "a medical emergency",
}


@dataclass(frozen=True)
class Alert:
    """One email to the professional. Only ids, types and PageGuard's own wording: never the item's text,
    the author's name or their contact details."""

    kind: AlertKind
    page_id: str
    page_name: str
    to: str
    platform: Platform
    surface: Surface
    severity: str = ""  # "sensitive" | "crisis" | ""
    entity_types: tuple[str, ...] = ()
    actions_taken: tuple[str, ...] = ()  # "hid the comment", "could not hide the comment: permission missing (code 10)"
    occurred_at: float = 0.0  # Unix seconds
    item_id: str = ""
    item_link: str = ""
    urgent: bool = False
    guidance: str = ""  # what the professional should (not) do, for surfaces PageGuard cannot act on itself
    language: str = ""  # the item's language when PageGuard could not check it ("fr")
    # The console: where the links lead (set by the builders), and the signed links themselves (added by
    # console.email_links.SignedLinkNotifier just before sending, so alerts stay free of secrets until then).
    console_path: str = ""
    review_link: str = ""
    undo_link: str = ""

    @property
    def offers_undo(self) -> bool:
        """An undo link makes sense only for a visitor's comment PageGuard hid."""
        return self.kind is AlertKind.DETECTION and self.surface is Surface.COMMENT and any(
            a.startswith("hid the") for a in self.actions_taken)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AlertKind(self.kind))  # ValueError for an unknown kind




# --- building alerts -----------------------------------------------------------------------------

REVIEW_GUIDANCE = (
    "Meta does not let apps hide reviews or recommendations, so PageGuard did not hide or answer it. "
    "Do not reply with anything that confirms a relationship, not even thanks for the care. Report the "
    "review to Facebook if it breaks its rules, or respond privately."
)
STANDBY_GUIDANCE = (
    "This conversation is on standby: another app or a person on your team handles it (Meta's handover "
    "protocol), so PageGuard did not reply. Make sure whoever answers it sees this."
)
EDIT_GUIDANCE = "The person edited an earlier message; PageGuard checked the new text."
_ITEM_NOUNS = {Surface.COMMENT: "comment", Surface.MESSAGE: "message", Surface.POST: "post", Surface.REVIEW: "review"}


def guidance_for(event: WebhookEvent) -> str:
    if event.surface is Surface.REVIEW:
        return REVIEW_GUIDANCE
    if event.surface is Surface.MESSAGE and event.standby:
        return STANDBY_GUIDANCE
    if event.surface is Surface.MESSAGE and event.verb == "edit":
        return EDIT_GUIDANCE
    return ""


def item_link(event: WebhookEvent) -> str:
    """Where the professional can see the item: the comment's permalink, else the comment by id, else the inbox."""
    if event.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if event.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if event.surface is Surface.REVIEW:
        return f"https://www.facebook.com/{event.account_id}/reviews"
    if is_meta_link(event.permalink):
        return event.permalink
    if event.platform is Platform.FACEBOOK and event.item_id:
        return f"https://www.facebook.com/{event.item_id}"
    return "https://www.instagram.com/"


META_HOSTS = ("facebook.com", "instagram.com")


def is_meta_link(link: str) -> bool:
    """An https link to facebook.com or instagram.com (or a subdomain): the only links an alert carries, so a
    forged or odd permalink in a payload can never point the professional somewhere else."""
    if not re.fullmatch(r"https://[^\s<>\"'\\]+", link):
        return False
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.port is not None:
        return False
    return any(host == h or host.endswith("." + h) for h in META_HOSTS)


def describe_action(action: Action, event: WebhookEvent, page: PageSettings | None = None) -> str:
    """What PageGuard did, in the professional's words (no text of the reply beyond what kind it was)."""
    crisis = page is not None and action.text == page.crisis_reply
    item = _ITEM_NOUNS[event.surface]
    if action.kind is ActionKind.HIDE:
        return f"hid the {item}"
    if action.kind is ActionKind.PUBLIC_REPLY:
        return "replied publicly with crisis resources" if crisis else "replied publicly with your contact details"
    if action.kind is ActionKind.PRIVATE_REPLY:
        return "sent the commenter a private message with crisis resources" if crisis else "sent the commenter a private message"
    if action.kind is ActionKind.SEND_MESSAGE:
        return "replied to the message with crisis resources" if crisis else "replied to the message with your contact details"
    return "emailed you this alert"


def describe_failure(action: Action, event: WebhookEvent, error: GraphError) -> str:
    """'could not hide the comment: permission missing (code 10)'."""
    return f"could not {_attempted(action, event)}: {describe_graph_error(error)}"


def describe_interrupted_send(action: Action, event: WebhookEvent) -> str:
    """An earlier attempt stopped mid-send, so PageGuard cannot tell whether Meta got it and does not resend."""
    return (f"could not confirm whether PageGuard managed to {_attempted(action, event)}: an earlier attempt "
            "was interrupted while sending, so it was not sent again")


def _attempted(action: Action, event: WebhookEvent) -> str:
    item = _ITEM_NOUNS[event.surface]
    return {
        ActionKind.HIDE: f"hide the {item}",
        ActionKind.PUBLIC_REPLY: "reply publicly",
        ActionKind.PRIVATE_REPLY: "send the commenter a private message",
        ActionKind.SEND_MESSAGE: "reply to the message",
    }.get(action.kind, "send this alert")


def build_alert(
    page: PageSettings,
    event: WebhookEvent,
    verdict: Verdict,
    actions_taken: Iterable[str],
    *,
    kind: AlertKind = AlertKind.DETECTION,
    urgent: bool | None = None,
    occurred_at: float | None = None,
) -> Alert:
    """An Alert for one event: the event's ids and link, the verdict's label and entity types. Never its text."""
    kind = AlertKind(kind)
    severity = verdict.label.value if verdict.label.value in ("sensitive", "crisis") else ""
    return Alert(
        kind=kind,
        page_id=page.page_id,
        page_name=page.name,
        to=", ".join(page.recipients),
        platform=event.platform,
        surface=event.surface,
        severity=severity,
        entity_types=verdict.entity_types,
        actions_taken=tuple(actions_taken),
        occurred_at=event.created_time if occurred_at is None else occurred_at,
        item_id=event.item_id,
        item_link=item_link(event),
        urgent=(severity == "crisis" and kind is AlertKind.DETECTION) if urgent is None else urgent,
        console_path=f"/console/items/{event.item_id}" if event.item_id else "/console",
        guidance=guidance_for(event) if kind is not AlertKind.OWN_CONTENT else "",
        language=verdict.language if verdict.unsupported_language else "",
    )


def sign_in_alert(page: PageSettings, *, next_path: str = "/console", occurred_at: float | None = None) -> Alert:
    """A fresh sign-in link for the page's own recipients (the link is added when it is sent)."""
    return Alert(kind=AlertKind.SIGN_IN, page_id=page.page_id, page_name=page.name, to=", ".join(page.recipients),
                 platform=Platform.FACEBOOK, surface=Surface.COMMENT,
                 occurred_at=time.time() if occurred_at is None else occurred_at, console_path=next_path)


def reconnect_alert(page: PageSettings, platform: Platform, *, occurred_at: float | None = None, detail: str = "") -> Alert:
    """The page's token expired or was revoked (Graph code 190/102): tell the professional to reconnect."""
    return Alert(
        kind=AlertKind.RECONNECT,
        page_id=page.page_id,
        page_name=page.name,
        to=", ".join(page.recipients),
        platform=platform,
        surface=Surface.COMMENT,
        actions_taken=(detail,) if detail else (),
        occurred_at=time.time() if occurred_at is None else occurred_at,
        item_link="https://www.facebook.com/settings/?tab=business_tools",
        console_path="/console/health",
    )


def quiet_alert(page: PageSettings, *, occurred_at: float) -> Alert:
    """No webhooks for 72 hours from a page that usually gets them: protection may have stopped silently."""
    return replace(reconnect_alert(page, Platform.FACEBOOK, occurred_at=occurred_at), kind=AlertKind.QUIET)


# --- rendering -----------------------------------------------------------------------------------


def render_email(alert: Alert, sender: str) -> EmailMessage:
    """The alert as a multipart/alternative email (plain text + HTML). Contains no item text, name or contacts."""
    if hasattr(alert, "render"):  # the console's weekly digest renders itself and goes through the same notifiers
        return alert.render(sender)
    facts = _facts(alert)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = _subject(alert)
    msg["From"] = header_value(sender)
    msg["To"] = header_value(alert.to)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="pageguard.invalid")
    msg["X-PageGuard-Alert"] = alert.kind
    if alert.urgent:
        msg["X-Priority"] = "1 (Highest)"
        msg["Importance"] = "high"
    msg.set_content(_plain(alert, facts), subtype="plain", charset="utf-8")
    msg.add_alternative(_html(alert, facts), subtype="html", charset="utf-8")
    return msg


def email_bytes(alert: Alert, sender: str) -> bytes:
    return render_email(alert, sender).as_bytes(policy=policy.SMTP)


def _subject(alert: Alert) -> str:
    page = _one_line(alert.page_name, 80)
    where = f"({_platform_name(alert.platform)})"
    noun = _noun(alert)
    if alert.kind is AlertKind.SIGN_IN:
        text = f"Your sign-in link for {page}"
    elif alert.kind is AlertKind.QUIET:
        text = f"PageGuard has heard nothing from {page} for 3 days {where}"
    elif alert.kind is AlertKind.RECONNECT:
        text = f"Action needed: reconnect {page} to PageGuard {where}"
    elif alert.kind is AlertKind.OWN_CONTENT:
        text = f"Your own {noun} on {page} may identify a client {where}"
    elif alert.kind is AlertKind.ACTION_FAILED:
        text = f"PageGuard could not finish acting on a {noun} on {page} {where}"
    elif alert.kind is AlertKind.UNSUPPORTED_LANGUAGE:
        text = f"A {noun} on {page} in {language_name(alert.language)} that PageGuard cannot check {where}"
    elif alert.severity == "crisis":
        text = f"possible crisis in a {noun} on {page} {where}"
    else:
        text = f"Possible client details in a {noun} on {page} {where}"
    if alert.urgent:
        text = f"URGENT: {text}"
    return f"[PageGuard] {text}"


def _facts(alert: Alert) -> list[tuple[str, str]]:
    if alert.kind is AlertKind.SIGN_IN:
        return [("Page", alert.page_name)]
    rows = [("Page", f"{_one_line(alert.page_name, 200)} ({_platform_name(alert.platform)})")]
    if alert.kind is not AlertKind.RECONNECT:
        rows.append(("Where", _WHERE[alert.surface]))
    if alert.severity:
        rows.append(("Severity", _severity_text(alert.severity, alert.urgent)))
    if alert.entity_types:
        rows.append(("What was found", "; ".join(entity_label(t) for t in alert.entity_types)))
    if alert.occurred_at:
        when = datetime.fromtimestamp(alert.occurred_at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        rows.append(("When", when))
    if alert.item_id:
        rows.append(("Item id", alert.item_id))
    return rows


def _intro(alert: Alert) -> str:
    if alert.kind is AlertKind.SIGN_IN:
        return ("Someone asked for a new link to PageGuard's console for this page. It signs you in once and "
                "expires in 7 days. If it was not you, ignore this email: the link only works for you.")
    if alert.kind is AlertKind.QUIET:
        return ("Your page usually sends PageGuard a few comments or messages a week, but nothing has arrived for "
                "72 hours. Protection may have stopped: the page may have been disconnected from the app or its "
                "webhook subscription removed. Open the health panel to check the token, then reconnect the page "
                "in Facebook's business integrations if needed. If your page was simply quiet, ignore this email.")
    if alert.kind is AlertKind.RECONNECT:
        return (
            "PageGuard can no longer act on this page: Meta says its access token is invalid or has expired "
            "(for example after a password change or when the app was removed). Until you reconnect the page, "
            "PageGuard cannot hide comments or reply to messages."
        )
    if alert.kind is AlertKind.OWN_CONTENT:
        return (
            "A post or reply published by your page may contain details that identify a client. "
            "PageGuard never hides your own content; please review it and edit or delete it if needed."
        )
    if alert.kind is AlertKind.ACTION_FAILED:
        return "PageGuard caught an item that needs attention but could not complete every step. Please check it yourself."
    if alert.kind is AlertKind.UNSUPPORTED_LANGUAGE:
        return (
            f"A visitor wrote in {language_name(alert.language)}. PageGuard checks English and Spanish only, so it "
            "did not hide or answer this item (it does still react to crisis wording in other languages). "
            "Please read it yourself, and hide it or reply privately if it shares health details."
        )
    if alert.severity == "crisis":
        return (
            "Someone may be in crisis. PageGuard cannot judge risk: please look at this as soon as you can and "
            "follow your own crisis protocol. PageGuard's crisis reply points to the crisis line of your page's "
            "country and the emergency number; what it managed to do is listed below."
        )
    return "A visitor may have shared health or identifying details publicly or in a message to your page."


def _plain(alert: Alert, facts: list[tuple[str, str]]) -> str:
    lines = ["URGENT" if alert.urgent else "PageGuard alert", "", _intro(alert), ""]
    if alert.guidance:
        lines += [f"What to do: {alert.guidance}", ""]
    lines += [f"{label}: {value}" for label, value in facts]
    if alert.actions_taken:
        lines += ["", "What PageGuard did:"] + [f"  - {a}" for a in alert.actions_taken]
    if _next_step(alert):
        lines += ["", "What to do next: " + _next_step(alert)]
    lines += [f"{label}: {url}" for label, url in _console_links(alert)]
    link = _safe_link(alert)
    if link and alert.kind is not AlertKind.SIGN_IN:
        lines += ["", f"{'Reconnect' if alert.kind is AlertKind.RECONNECT else 'Open it on Meta'}: {link}"]
    lines += ["", _FOOTER]
    return "\n".join(lines) + "\n"


def _html(alert: Alert, facts: list[tuple[str, str]]) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><body style=\"font-family: sans-serif\">",
        "<p><strong style=\"color:#b00020\">URGENT</strong></p>" if alert.urgent else "",
        f"<p>{e(_intro(alert))}</p>",
        f"<p><strong>What to do:</strong> {e(alert.guidance)}</p>" if alert.guidance else "",
        "<table>",
        *[f"<tr><th align=\"left\">{e(label)}</th><td>{e(value)}</td></tr>" for label, value in facts],
        "</table>",
    ]
    if alert.actions_taken:
        parts += ["<p>What PageGuard did:</p><ul>", *[f"<li>{e(a)}</li>" for a in alert.actions_taken], "</ul>"]
    if _next_step(alert):
        parts.append(f"<p><strong>What to do next:</strong> {e(_next_step(alert))}</p>")
    parts += [f"<p><a href=\"{e(url, quote=True)}\" style=\"display:inline-block;padding:10px 16px;"
              f"background:#0b57d0;color:#fff;text-decoration:none;border-radius:6px\">{e(label)}</a></p>"
              for label, url in _console_links(alert)]
    link = _safe_link(alert)
    if link and alert.kind is not AlertKind.SIGN_IN:
        label = "Reconnect the page" if alert.kind is AlertKind.RECONNECT else "Open it on Meta"
        parts.append(f"<p><a href=\"{e(link, quote=True)}\">{label}</a></p>")
    parts += [f"<p style=\"color:#666\">{e(_FOOTER)}</p>", "</body></html>"]
    return "\n".join(p for p in parts if p) + "\n"


def _console_links(alert: Alert) -> list[tuple[str, str]]:
    """The signed console links, when the notifier added them (https, or http on a local run)."""
    links = [("Sign in to PageGuard" if alert.kind is AlertKind.SIGN_IN else "Review it in PageGuard",
              alert.review_link)]
    if alert.offers_undo:
        links.append(("This was fine: undo the hide", alert.undo_link))
    return [(label, url) for label, url in links if re.fullmatch(r"https?://[^\s<>\"']+", url or "")]


def _next_step(alert: Alert) -> str:
    if alert.kind is AlertKind.DETECTION and alert.severity == "crisis":
        return ("Open the item on Meta now and follow your crisis protocol; PageGuard's reply is not a "
                "substitute for a person.")
    if alert.offers_undo:
        return ("Read the comment on Meta. If it was fine, undo the hide in one click (PageGuard also "
                "removes its reply); if not, there is nothing more to do.")
    if alert.kind is AlertKind.DETECTION:
        return "Read the message on Meta and answer the person privately if needed; a message cannot be unsent."
    if alert.kind is AlertKind.OWN_CONTENT:
        return "Edit or delete your post on Meta if it identifies a client."
    if alert.kind is AlertKind.ACTION_FAILED:
        return "Check the item on Meta yourself and hide or answer it by hand."
    return ""


_FOOTER = (
    "For privacy, this email never contains the text of the comment or message, who wrote it, "
    "or their contact details. Open the link to see it on Meta."
)


def _is_connect_link(link: str) -> bool:
    # A reconnect email (connect/token_health.py) points at this deployment's own /connect page: https, or
    # the local stage's address (`make run`). Never taken from a webhook payload.
    return bool(re.fullmatch(r"(?:https://|http://(?:127\.0\.0\.1|localhost)[:/])[^\s<>\"']+/connect(?:\?[^\s<>\"']*)?", link))


def _safe_link(alert: Alert) -> str:
    link = alert.item_link.strip()
    if is_meta_link(link) or (alert.kind is AlertKind.RECONNECT and _is_connect_link(link)):
        return link
    if alert.surface is Surface.MESSAGE:
        return INSTAGRAM_INBOX if alert.platform is Platform.INSTAGRAM else FACEBOOK_INBOX
    if alert.surface is Surface.REVIEW and re.fullmatch(r"[\w-]+", alert.page_id or ""):
        return f"https://www.facebook.com/{alert.page_id}/reviews"
    if alert.platform is Platform.FACEBOOK and re.fullmatch(r"[\w-]+", alert.item_id or ""):
        return f"https://www.facebook.com/{alert.item_id}"
    return ""


def _noun(alert: Alert) -> str:
    if alert.kind is AlertKind.OWN_CONTENT:
        return "post or reply"
    return _NOUNS[alert.surface]


_NOUNS = {Surface.COMMENT: "comment", Surface.MESSAGE: "direct message", Surface.POST: "post on your page",
          Surface.REVIEW: "review"}
_WHERE = {Surface.COMMENT: "a comment", Surface.MESSAGE: "a direct message", Surface.POST: "a visitor's post on your page",
          Surface.REVIEW: "a review or recommendation (or a comment on one)"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code or "another language")


def _platform_name(platform: Platform) -> str:
    return "Instagram" if platform is Platform.INSTAGRAM else "Facebook"


def _severity_text(severity: str, urgent: bool) -> str:
    if severity == "crisis":
        return "crisis (possible risk of harm)" + (", urgent" if urgent else "")
    if severity == "sensitive":
        return "sensitive (possible client health or identity details)"
    return severity


def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type.replace("_", " ").lower())


def _one_line(value: str, limit: int) -> str:
    """Header-safe: bounded length, and none of the characters Python's email package (or a mail client) reads as
    a line break or hides: controls (incl. U+0085), line and paragraph separators (U+2028, U+2029), format
    characters, lone surrogates. A page name holding one used to raise ValueError on every alert for it."""
    cleaned = " ".join("".join(" " if unicodedata.category(c) in _UNSAFE_IN_HEADERS else c for c in value).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


_UNSAFE_IN_HEADERS = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def header_value(value: str) -> str:
    """Any configured value that goes into a header (To, From): one line, nothing hidden."""
    return _one_line(value, 998)
