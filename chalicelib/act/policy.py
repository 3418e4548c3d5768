"""Policy: a pure function from (page settings, event, verdict) to the actions PageGuard takes.

The professional's guidance drives every row: keep client details off public threads, steer people
toward private contact, and never confirm or deny that someone is a client. Every action text is
the page's own configured wording (contact_reply / crisis_reply), never the visitor's words.

| who / where              | ok                 | sensitive                               | crisis                                                        |
|--------------------------|--------------------|-----------------------------------------|---------------------------------------------------------------|
| visitor comment          | nothing            | HIDE, PUBLIC_REPLY(contact), ALERT      | HIDE, PUBLIC_REPLY(crisis), PRIVATE_REPLY(crisis), ALERT(urgent) |
| visitor DM               | SEND_MESSAGE(contact) | SEND_MESSAGE(contact), ALERT         | SEND_MESSAGE(crisis), ALERT(urgent)                           |
| page's own comment/post  | nothing            | ALERT ("own content may identify a client") | ALERT ("own content may identify a client")               |

An item in a language detection was not built for (not English or Spanish) is never judged "ok" in
silence: its "ok" means "not checked", so a visitor comment gets an ALERT (nothing hidden or answered)
and a visitor DM gets the contact reply plus an ALERT. Crisis wording in such a language still takes
the crisis row.
"""

from __future__ import annotations

from chalicelib.config import PageSettings
from chalicelib.models import Action, ActionKind, Decision, Label, Surface, Verdict, WebhookEvent

OWN_CONTENT_NOTE = "own content may identify a client"

# Comment verbs that carry (new) text worth acting on. Meta sends `edited` for comment edits and has
# been seen sending `edit` for visitor-post edits (REFERENCE.md §3a); `remove`/`hide`/... carry no text.
ACTIONABLE_COMMENT_VERBS = frozenset({"add", "edited", "edit"})


def decide(page: PageSettings, event: WebhookEvent, verdict: Verdict) -> Decision:
    """Decide what to do about one event. Pure: no I/O, no clock, no state.

    Rules beyond the table in the module docstring:

    * An edited comment is decided like a new one: if the edit made it sensitive, PageGuard acts.
      An edit that made a hidden comment harmless does NOT unhide it (a human decides that).
    * DMs: the contact reply goes out at most once per sender per 24 h. That rule needs state, so
      the pipeline/store enforces it, not this function; `decide` always returns the SEND_MESSAGE.
      A crisis DM always gets the crisis reply, even when a contact reply went out earlier in the
      window: safety resources outrank "don't repeat ourselves". The pipeline keys the crisis send
      separately from the contact-reply rate limit so it is never suppressed.
    * The page's own comments and posts are never hidden or answered; when they look sensitive or
      crisis-like the professional gets a (non-urgent) alert that their own content may identify
      a client.
    * Instagram only allows replies to top-level comments (REFERENCE.md §5); which comment a
      PUBLIC_REPLY lands on is chosen by the Graph client (`graph.reply_target`), not here.
    """
    label = verdict.label
    summary = _summary(verdict)

    if event.authored_by_page:
        if label in (Label.SENSITIVE, Label.CRISIS):
            return Decision(verdict=verdict, actions=(Action(ActionKind.ALERT),), note=f"{OWN_CONTENT_NOTE}; {summary}")
        return Decision(verdict=verdict, note="own content: nothing to do")

    if event.surface is Surface.MESSAGE:
        return _decide_message(page, verdict, summary)

    if event.verb not in ACTIONABLE_COMMENT_VERBS:
        return Decision(verdict=verdict, note=f"comment {event.verb}: nothing to do")
    return _decide_comment(page, verdict, summary)


def _decide_comment(page: PageSettings, verdict: Verdict, summary: str) -> Decision:
    if verdict.label is Label.SENSITIVE:
        actions = (
            Action(ActionKind.HIDE),
            Action(ActionKind.PUBLIC_REPLY, text=page.contact_reply),
            Action(ActionKind.ALERT),
        )
        return Decision(verdict=verdict, actions=actions, note=f"visitor comment {summary}")
    if verdict.label is Label.CRISIS:
        actions = (
            Action(ActionKind.HIDE),
            Action(ActionKind.PUBLIC_REPLY, text=page.crisis_reply),
            Action(ActionKind.PRIVATE_REPLY, text=page.crisis_reply),
            Action(ActionKind.ALERT, urgent=True),
        )
        return Decision(verdict=verdict, actions=actions, note=f"visitor comment {summary}")
    if verdict.unsupported_language:
        return Decision(verdict=verdict, actions=(Action(ActionKind.ALERT),), note=f"visitor comment {_not_checked(verdict)}")
    return Decision(verdict=verdict, note="visitor comment ok: nothing to do")


def _decide_message(page: PageSettings, verdict: Verdict, summary: str) -> Decision:
    if verdict.label is Label.CRISIS:
        actions: tuple[Action, ...] = (
            Action(ActionKind.SEND_MESSAGE, text=page.crisis_reply),
            Action(ActionKind.ALERT, urgent=True),
        )
    elif verdict.label is Label.SENSITIVE:
        actions = (Action(ActionKind.SEND_MESSAGE, text=page.contact_reply), Action(ActionKind.ALERT))
    elif verdict.unsupported_language:
        actions = (Action(ActionKind.SEND_MESSAGE, text=page.contact_reply), Action(ActionKind.ALERT))
        return Decision(verdict=verdict, actions=actions, note=f"visitor DM {_not_checked(verdict)}")
    else:
        actions = (Action(ActionKind.SEND_MESSAGE, text=page.contact_reply),)
    return Decision(verdict=verdict, actions=actions, note=f"visitor DM {summary}")


def _not_checked(verdict: Verdict) -> str:
    return f"not checked: unsupported language ({verdict.language})"


def _summary(verdict: Verdict) -> str:
    """Text-free summary: the label and the entity types, never the matched text."""
    types = verdict.entity_types
    return f"{verdict.label.value} ({', '.join(types)})" if types else verdict.label.value
