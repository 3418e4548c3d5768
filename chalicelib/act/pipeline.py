"""The worker's core: one event in, detection + policy + each action exactly once, audit record out.

Guarantees (docs/reliability.md): every action on an item runs at most once per step key through
Powertools idempotency (`StepRunner`); retryable failures propagate so the queue redelivers and only
the unfinished steps run again; permanent failures are recorded and alerted, never retried; an older
version of an item never overrides a newer one; ids of our own replies are remembered so their
webhooks never loop. Logs, audit records and alerts carry ids, labels and entity types, never text.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

from aws_lambda_powertools import Logger

from chalicelib.act import edits, policy
from chalicelib.act.alerts import (
    Alert,
    AlertKind,
    build_alert,
    describe_action,
    describe_failure,
    describe_interrupted_send,
    reconnect_alert,
)
from chalicelib.act.graph import GraphClient
from chalicelib.act.notifier import EMAIL_REFUSED_LOG, Notifier
from chalicelib.config import PageLookup, PageSettings, Settings
from chalicelib.errors import (
    GraphAmbiguousSendError,
    GraphPermanentError,
    GraphRetryableError,
    GraphTokenExpiredError,
    NotifierRejectedError,
)
from chalicelib.models import Action, ActionKind, Decision, Label, Surface, Verdict, WebhookEvent
from chalicelib.state.idempotency import StepRunner
from chalicelib.state.records import DAY, ActionRecord, AuditRecord, ItemStatus, StepStatus, version_of
from chalicelib.state.store import Store

if TYPE_CHECKING:  # the engine module loads Presidio and numpy; the pipeline needs only the protocol
    from chalicelib.detect.engine import Detector

logger = Logger(service="pageguard", child=True)

GRAPH_STEPS = frozenset({ActionKind.HIDE, ActionKind.PUBLIC_REPLY, ActionKind.PRIVATE_REPLY, ActionKind.SEND_MESSAGE})
# Steps whose wording or urgency depends on the severity: a crisis gets its own step key, so a comment
# edited from sensitive into a crisis still gets the crisis reply and the urgent alert.
SEVERITY_STEPS = frozenset({ActionKind.PUBLIC_REPLY, ActionKind.SEND_MESSAGE, ActionKind.ALERT})
# Comment steps keyed by the comment's version (created_time and verb) when it was edited.
VERSIONED_STEPS = frozenset({ActionKind.HIDE, ActionKind.ALERT})
# Steps that put something in front of a person: never repeated blindly after an interrupted attempt.
SEND_STEPS = frozenset({ActionKind.PUBLIC_REPLY, ActionKind.PRIVATE_REPLY, ActionKind.SEND_MESSAGE})
# Steps keyed by the time of the professional's last unhide: `unhide` deleted our public reply.
UNHIDE_EPOCH_STEPS = frozenset({ActionKind.PUBLIC_REPLY})
UNHIDE_STEP = "unhide"  # the audit step act/unhide.py records

# Step results are StepStatus values (stored by the idempotency layer, copied into the audit record);
# item statuses are ItemStatus values.
DONE, FAILED, UNKNOWN, SKIPPED, RETRYING, DRY_RUN = (
    StepStatus.DONE, StepStatus.FAILED, StepStatus.UNKNOWN, StepStatus.SKIPPED, StepStatus.RETRYING, StepStatus.DRY_RUN
)


class _TokenExpired(Exception):
    """Raised inside a step so that its failure is NOT stored as the step's final result: once the page
    is reconnected, reconcile or scan runs the step again. Carries the result for the audit record."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("page token expired")
        self.result = result


class Pipeline:
    """Moderates one event end to end. Construct once per process (wiring.py) and call `handle`."""

    def __init__(
        self,
        *,
        pages: PageLookup | Callable[[], PageLookup],
        detector: Detector,
        graph: GraphClient,
        dry_run_graph: GraphClient,
        settings: Settings,
        notifier: Notifier,
        store: Store,
        clock: Callable[[], float] = time.time,
        lease_seconds: int | None = None,
    ) -> None:
        self._pages = pages
        self._detector = detector
        self._graph = graph
        self._dry_run_graph = dry_run_graph
        self._settings = settings
        self._notifier = notifier
        self.store = store
        self.clock = clock
        if settings.idempotency_disabled:
            logger.warning("POWERTOOLS_IDEMPOTENCY_DISABLED is set: actions may repeat on redelivery")
        kwargs = {} if lease_seconds is None else {"lease_seconds": lease_seconds}
        self._steps = StepRunner(store.persistence_layer(), expires_after_seconds=store.retention_seconds, **kwargs)

    # -- public --------------------------------------------------------------------------------------

    @property
    def pages(self) -> PageLookup:
        return self._pages() if callable(self._pages) else self._pages

    @property
    def live_graph(self) -> GraphClient:
        """The real Graph client, whatever the page's mode (a token check must ask Meta)."""
        return self._graph

    @property
    def notifier(self) -> Notifier:
        return self._notifier

    def send_once(self, key: str, alert: Alert) -> bool:
        """Email `alert` unless an email under `key` already went out (the same idempotent steps the actions use);
        True when this call sent it. A NotifierError propagates and leaves the key free for the next try."""
        sent: list[bool] = []

        def send() -> dict[str, Any]:
            self._notifier.send(alert)
            sent.append(True)
            return {"status": DONE, "at": self.clock()}

        self._steps.run(key, send)
        return bool(sent)

    def dry_run_for(self, page: PageSettings) -> bool:
        return self._settings.dry_run_for(page)

    def graph_for(self, page: PageSettings) -> GraphClient:
        return self._dry_run_graph if self.dry_run_for(page) else self._graph

    def handle(self, event: WebhookEvent) -> Decision | None:
        """Moderate one event. Returns the decision, or None when the event is skipped.

        Raises the retryable errors (GraphRetryableError, NotifierError, StoreError, idempotency
        "already in progress"): the queue must deliver the event again, and finished steps won't rerun.
        """
        now = self.clock()
        keys = {"item_id": event.item_id, "account_id": event.account_id, "platform": event.platform.value,
                "surface": event.surface.value, "verb": event.verb}
        page = self.pages.for_account(event.account_id)
        if page is None:
            # Unsettled, so a page added to the configuration moments later still gets its items moderated.
            logger.warning("event for an unknown account skipped", extra=keys)
            self.store.save_audit(_new_record(event, "", now, status=ItemStatus.UNKNOWN_ACCOUNT, note="unknown account"))
            return None
        if self.store.is_ours(event.item_id):
            logger.info("our own reply or message: skipped", extra=keys)
            return None
        if not self.store.record_version(event.item_id, event.created_time, event.verb, now):
            logger.info("older version of an item after a newer one: skipped", extra=keys)
            return None

        if event.surface is not Surface.MESSAGE and event.verb not in policy.ACTIONABLE_COMMENT_VERBS:
            # remove / hide / ...: no text to check, nothing to do; keep the earlier verdict in the audit.
            record = self.store.get_audit(event.item_id) or _new_record(event, page.page_id, now, status=ItemStatus.DONE)
            self.store.save_audit(_replace(record, verb=event.verb, updated_at=now, note=f"comment {event.verb}"))
            logger.info("comment change without text: recorded", extra=keys)
            return Decision(verdict=Verdict(Label.OK), note=f"comment {event.verb}: nothing to do")

        event, unreadable = edits.with_edit_text(self.graph_for(page), page, event)
        unchecked = unreadable or policy.not_checked_reason(event)
        if unchecked:
            return self._not_checked(event, page, now, unchecked, keys)

        record = self.store.get_audit(event.item_id) or _new_record(event, page.page_id, now)
        verdict = self._detector.detect(event.text, allowed_contacts=page.allowed_contacts)
        verdict = policy.no_less_safe(verdict, record.label)
        decision = policy.decide(page, event, verdict)
        logger.info(
            "decision",
            extra={**keys, "label": verdict.label.value, "entity_types": list(verdict.entity_types),
                   "actions": [a.kind.value for a in decision.actions],
                   "attachment_types": list(event.attachment_types)},
        )

        record = _with_decision(record, event, decision, now)
        # Saved once when the run ends (or stops on a retryable error): a worker that dies mid-run leaves
        # its finished steps in the idempotency records, and the redelivery copies them into the audit.

        dry_run = self.dry_run_for(page)
        run = _Run(self._steps, self.store, self._notifier, self.clock, page, event, decision, record,
                   self._dry_run_graph if dry_run else self._graph, dry_run=dry_run)
        run.execute()
        return decision

    def _not_checked(self, event: WebhookEvent, page: PageSettings, now: float, reason: str, keys: dict) -> Decision:
        """Recorded (and counted in the audit log the professional reads) instead of judged on an empty text."""
        note = f"not checked: {reason}"
        record = self.store.get_audit(event.item_id)
        if record is None or not record.label:
            record = _replace(record or _new_record(event, page.page_id, now), status=ItemStatus.NOT_CHECKED)
        self.store.save_audit(_replace(record, verb=event.verb, created_time=event.created_time, note=note,
                                       updated_at=now))
        logger.info("not checked", extra={**keys, "reason": reason, "attachment_types": list(event.attachment_types)})
        return Decision(verdict=Verdict(Label.OK), note=note)


class _Run:
    """The actions of one decision for one event, each through its own idempotent step."""

    def __init__(
        self, steps: StepRunner, store: Store, notifier: Notifier, clock: Callable[[], float], page: PageSettings,
        event: WebhookEvent, decision: Decision, record: AuditRecord, graph: GraphClient, *, dry_run: bool,
    ) -> None:
        self.steps = steps
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.page = page
        self.event = event
        self.decision = decision
        self.record = record
        self.graph = graph
        self.dry_run = dry_run
        self.token_expired = False
        self.summaries: list[str] = []  # what was done so far, in the professional's words, for the alert

    def execute(self) -> None:
        for action in self.decision.actions:
            if self.token_expired and action.kind in GRAPH_STEPS:
                self._record(action.kind.value, {"status": SKIPPED, "at": self.clock(), "detail": "token_expired"})
                continue
            key = self._step_key(action)
            try:
                result = self.steps.run(key, lambda action=action: self._do(action))
            except _TokenExpired as blocked:
                result = blocked.result
            except Exception as exc:
                # Retryable: note it in the audit record, then let the queue redeliver.
                self._record(action.kind.value, {"status": RETRYING, "at": self.clock(),
                                                 "detail": type(exc).__name__})
                raise
            self._record(action.kind.value, result)
            self._remember_ours(action, result)
            self._after(action, result)
        self._finish()

    def _remember_ours(self, action: Action, result: dict[str, Any]) -> None:
        """Remember the id of our reply or message so its webhook never loops. Outside the step: if this write
        fails, the step's result is already stored, so the redelivery replays it and only writes again."""
        result_id = str(result.get("result_id") or "")
        if action.kind in GRAPH_STEPS and result_id and result.get("status") == DONE:
            try:
                self.store.remember_ours(result_id, self.clock())
            except Exception as exc:
                self._record(action.kind.value, {**result, "status": RETRYING, "detail": type(exc).__name__})
                raise

    def _step_key(self, action: Action) -> str:
        key = f"{self.event.item_id}#{action.kind.value}"
        if action.kind in SEVERITY_STEPS and self.decision.verdict.label is Label.CRISIS:
            key += "#crisis"
        if self.event.surface is Surface.COMMENT:
            if action.kind in VERSIONED_STEPS and self.event.verb != "add":
                # An edit is a new text: hidden again (harmless if it still is) and alerted again, so a
                # sensitive edit made after an unhide does not go unseen.
                key += f"#v{version_of(self.event.created_time, self.event.verb)}"
            unhidden_at = _unhidden_at(self.record)
            if action.kind in UNHIDE_EPOCH_STEPS and unhidden_at:
                key += f"#u{int(unhidden_at * 1000)}"  # our earlier reply was deleted by the unhide
        return key + "#dry" if self.dry_run else key

    # one step ---------------------------------------------------------------------------------------

    def _do(self, action: Action) -> dict[str, Any]:
        """Runs inside the idempotent step. Returns the stored result; raises only retryable errors.

        `summary` is PageGuard's own wording for the alert email ("hid the comment"), never the item's text.
        """
        kind, now = action.kind, self.clock()
        if kind is ActionKind.ALERT:
            alert_kind = _alert_kind(self.event, self.decision.verdict)
            return self._email(self._alert(alert_kind, urgent=action.urgent))
        claimed_dm_slot = False
        if kind is ActionKind.SEND_MESSAGE and self.decision.verdict.label is not Label.CRISIS:
            # Contact reply: at most once per sender per 24 h. A crisis reply is never rate-limited.
            if not self.store.claim_dm_reply(self.event.account_id, self.event.sender_id, now,
                                               owner=self.event.item_id):
                return {"status": SKIPPED, "at": now, "detail": "dm_window",
                        "summary": "did not repeat the contact reply (already sent to this person in the last 24 hours)"}
            claimed_dm_slot = True
        send_marker = f"send#{self._step_key(action)}" if kind in SEND_STEPS and not self.dry_run else ""
        try:
            # (Inside the try: looking a reply up on Meta fails the way the send would, and is handled alike.)
            earlier = self._after_interrupted_send(action, send_marker, now) if send_marker else None
            if earlier is not None:
                return earlier
            result_id = self._graph_call(action)
        except GraphRetryableError:
            if kind is not ActionKind.PUBLIC_REPLY:
                # A message cannot be looked up: drop the marker so the redelivery sends as a first attempt.
                # (A reply keeps it: a timed-out reply may have landed, and the redelivery looks first.)
                self._forget_send(send_marker)
            raise  # the redelivery sends under the same (re-entrant) claim
        except GraphAmbiguousSendError as exc:
            # Meta may have delivered it: never resend, and keep the sender's slot. Stored as the step's final result.
            return {"status": UNKNOWN, "at": now, "detail": _code(exc, "maybe_sent"),
                    "summary": describe_failure(action, self.event, exc)}
        except GraphTokenExpiredError as exc:
            # Nothing was sent; a re-drive after reconnecting claims the slot again.
            self._forget_send(send_marker)
            self._release_dm_slot(claimed_dm_slot)
            raise _TokenExpired({"status": FAILED, "at": now, "detail": _code(exc, "token_expired"),
                                 "summary": describe_failure(action, self.event, exc)}) from exc
        except GraphPermanentError as exc:
            # Nothing was sent (e.g. outside the messaging window): the sender's next message may be answered.
            self._forget_send(send_marker)
            self._release_dm_slot(claimed_dm_slot)
            return {"status": FAILED, "at": now, "detail": _code(exc, "permanent"),
                    "summary": describe_failure(action, self.event, exc)}
        # Nothing that can fail runs here, after the send: an error inside the step would delete its record
        # and the retry would send again. Our reply's id is remembered after the step (execute).
        summary = describe_action(action, self.event, self.page) + (" (dry run: not sent)" if self.dry_run else "")
        return {"status": DRY_RUN if self.dry_run else DONE, "at": now, "result_id": result_id, "summary": summary}

    def _after_interrupted_send(self, action: Action, marker: str, now: float) -> dict[str, Any] | None:
        """None for a first attempt at this send; else the result to store instead of sending again.

        A worker that dies inside a send leaves its step "in progress" with no result, and after the lease
        the step runs again. The marker, taken just before each send and dropped when Meta certainly did
        not take it, tells the two apart: a public reply is looked up on Meta and sent only if it is not
        there; a message cannot be looked up, so it is not resent and the professional is told.
        """
        if self.store.claim_once(marker, now, self.store.retention_seconds):
            return None
        keys = {"item_id": self.event.item_id, "step": action.kind.value}
        if action.kind is ActionKind.PUBLIC_REPLY:
            found = self.graph.find_reply(self.page, self.event, action.text)
            if not found:
                logger.info("interrupted reply not on Meta: sending it", extra=keys)
                return None
            logger.info("interrupted reply found on Meta: not sent again", extra=keys)
            return {"status": DONE, "at": now, "result_id": found, "detail": "found_after_interruption",
                    "summary": describe_action(action, self.event, self.page)}
        logger.warning("interrupted message may have been sent: not sent again", extra=keys)
        return {"status": UNKNOWN, "at": now, "detail": "maybe_sent:interrupted",
                "summary": describe_interrupted_send(action, self.event)}

    def _forget_send(self, marker: str) -> None:
        if marker:
            self.store.release_once(marker)

    def _release_dm_slot(self, claimed: bool) -> None:
        if claimed:
            self.store.release_dm_reply(self.event.account_id, self.event.sender_id, owner=self.event.item_id)

    def _graph_call(self, action: Action) -> str:
        page, event, graph = self.page, self.event, self.graph
        if action.kind is ActionKind.HIDE:
            graph.hide_comment(page, event, hidden=True)
            return ""
        if action.kind is ActionKind.PUBLIC_REPLY:
            return graph.reply_to_comment(page, event, action.text)
        if action.kind is ActionKind.PRIVATE_REPLY:
            return graph.private_reply(page, event, action.text)
        if action.kind is ActionKind.SEND_MESSAGE:
            return graph.send_message(page, event, action.text)
        raise ValueError(f"unknown action {action.kind}")

    # after a step ---------------------------------------------------------------------------------

    def _after(self, action: Action, result: dict[str, Any]) -> None:
        if action.kind is not ActionKind.ALERT and result.get("summary"):
            self.summaries.append(str(result["summary"]))
        status, detail = result.get("status"), str(result.get("detail", ""))
        if status not in (FAILED, UNKNOWN) or action.kind is ActionKind.ALERT:
            return  # (an alert refused for good is not followed by another email about it)
        summary = str(result.get("summary", ""))
        if detail.startswith("token_expired"):
            self.token_expired = True
            # Once per page per day, however many items fail; retried (not lost) if the email fails.
            alert = reconnect_alert(self.page, self.event.platform, occurred_at=self.clock(), detail=summary)
            self._send_alert(reconnect_key(self.page.page_id, self.clock()), alert, record_step="reconnect_alert")
        else:
            alert = build_alert(self.page, self.event, self.decision.verdict, [summary], kind=AlertKind.ACTION_FAILED,
                                urgent=False)
            self._send_alert(f"{self.event.item_id}#action_failed#{action.kind.value}", alert,
                             record_step=f"action_failed_alert:{action.kind.value}")

    def _email(self, alert: Alert) -> dict[str, Any]:
        """Send one alert inside its step. A refusal for good (SES MessageRejected, quota, a recipient that
        bounced or complained) is the step's final result `failed`: not retried, not parked with the event's
        text; the log line raises the EmailRefused alarm. Transient errors (NotifierError) propagate."""
        now = self.clock()
        mark = self.store.recipient_mark(alert.to)
        if mark:
            logger.error(EMAIL_REFUSED_LOG, extra={"kind": alert.kind, "page_id": alert.page_id,
                                                   "error_code": f"recipient_{mark}"})
            return {"status": FAILED, "at": now, "detail": f"email_refused:recipient_{mark}"}
        try:
            message_id = self.notifier.send(alert)
        except NotifierRejectedError as exc:
            return {"status": FAILED, "at": now, "detail": f"email_refused:{exc.code or 'rejected'}"}
        return {"status": DONE, "at": now, "result_id": str(message_id or "")}

    def _send_alert(self, key: str, alert: Alert, *, record_step: str) -> None:
        def send() -> dict[str, Any]:
            return self._email(alert)

        try:
            result = self.steps.run(key, send)
        except Exception as exc:
            self._record(record_step, {"status": RETRYING, "at": self.clock(), "detail": type(exc).__name__})
            raise
        self._record(record_step, result)

    def _alert(self, kind: AlertKind, *, urgent: bool) -> Alert:
        return build_alert(self.page, self.event, self.decision.verdict, self.summaries, kind=kind, urgent=urgent)

    # audit ------------------------------------------------------------------------------------------

    def _record(self, step: str, result: dict[str, Any]) -> None:
        action = ActionRecord(
            step=step,
            status=str(result.get("status", "")),
            at=float(result.get("at", self.clock())),
            detail=str(result.get("detail", "")),
            result_id=str(result.get("result_id", "")),
        )
        now = self.clock()
        self.record = _replace(self.record.with_action(action), updated_at=now)
        if action.status == RETRYING:
            self.store.save_audit(self.record)
        logger.info("action", extra={"item_id": self.event.item_id, "step": step, "status": action.status,
                                     "detail": action.detail})

    def _finish(self) -> None:
        statuses = {a.status for a in self.record.actions if a.step in _ACTION_STEPS}
        if self.token_expired:
            status = ItemStatus.TOKEN_EXPIRED
        else:
            status = ItemStatus.FAILED if statuses & {FAILED, UNKNOWN} else ItemStatus.DONE
        self.record = _replace(self.record, status=status, updated_at=self.clock())
        self.store.save_audit(self.record)


_ACTION_STEPS = frozenset(k.value for k in ActionKind)


def reconnect_key(page_id: str, now: float) -> str:
    """The one "reconnect this page" email a day, whichever path notices first: an action refused with code 190,
    the console's token watch, or the daily token check (app.py's schedule)."""
    return f"reconnect#{page_id}#{int(now // DAY)}"


def _unhidden_at(record: AuditRecord) -> float:
    return next((a.at for a in record.actions if a.step == UNHIDE_STEP and a.status == DONE), 0.0)


def _code(exc: Exception, what: str) -> str:
    code = getattr(exc, "code", None)
    subcode = getattr(exc, "subcode", None)
    return what + (f":{code}" if code is not None else "") + (f"/{subcode}" if subcode else "")


def _replace(record: AuditRecord, **changes: Any) -> AuditRecord:
    return replace(record, **changes)


def _alert_kind(event: WebhookEvent, verdict: Verdict) -> AlertKind:
    if event.authored_by_page:
        return AlertKind.OWN_CONTENT
    if verdict.unsupported_language and verdict.label is Label.OK:
        return AlertKind.UNSUPPORTED_LANGUAGE
    return AlertKind.DETECTION


def _new_record(event: WebhookEvent, page_id: str, now: float, *, status: ItemStatus = ItemStatus.IN_PROGRESS,
                note: str = "") -> AuditRecord:
    return AuditRecord(
        item_id=event.item_id,
        account_id=event.account_id,
        platform=event.platform.value,
        surface=event.surface.value,
        page_id=page_id,
        verb=event.verb,
        post_id=event.post_id,
        parent_id=event.parent_id,
        sender_id=event.sender_id,
        created_time=event.created_time,
        status=status,
        note=note,
        first_seen_at=now,
        updated_at=now,
    )


def _with_decision(record: AuditRecord, event: WebhookEvent, decision: Decision, now: float) -> AuditRecord:
    return _replace(
        record,
        verb=event.verb,
        created_time=event.created_time,
        label=decision.verdict.label.value,
        entity_types=tuple(decision.verdict.entity_types),
        note=decision.note,
        language=decision.verdict.language,
        status=ItemStatus.IN_PROGRESS if decision.actions else ItemStatus.DONE,
        updated_at=now,
    )
