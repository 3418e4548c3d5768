"""The worker's core: one event in, detection + policy + each action exactly once, audit record out.

Guarantees (docs/reliability.md): every action on an item runs at most once per step key through
Powertools idempotency (`StepRunner`); retryable failures propagate so the queue redelivers and only
the unfinished steps run again; permanent failures are recorded and alerted, never retried; an older
version of an item never overrides a newer one; ids of our own replies are remembered so their
webhooks never loop. Logs, audit records and alerts carry ids, labels and entity types, never text.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable

from aws_lambda_powertools import Logger

from chalicelib import policy
from chalicelib.config import PagesConfig, PageSettings, Settings
from chalicelib.errors import (
    GraphAmbiguousSendError,
    GraphPermanentError,
    GraphRetryableError,
    GraphTokenExpiredError,
)
from chalicelib.idempotency import StepRunner
from chalicelib.models import Action, ActionKind, Decision, Label, Surface, Verdict, WebhookEvent
from chalicelib.store import DAY, ActionRecord, AuditRecord, Store

logger = Logger(service="pageguard", child=True)

GRAPH_STEPS = frozenset({ActionKind.HIDE, ActionKind.PUBLIC_REPLY, ActionKind.PRIVATE_REPLY, ActionKind.SEND_MESSAGE})
SENDS = frozenset({ActionKind.PUBLIC_REPLY, ActionKind.PRIVATE_REPLY, ActionKind.SEND_MESSAGE})
# Steps whose wording or urgency depends on the severity: a crisis gets its own step key, so a comment
# edited from sensitive into a crisis still gets the crisis reply and the urgent alert.
SEVERITY_STEPS = frozenset({ActionKind.PUBLIC_REPLY, ActionKind.SEND_MESSAGE, ActionKind.ALERT})

# Step results (stored by the idempotency layer and copied into the audit record).
DONE, FAILED, UNKNOWN, SKIPPED, RETRYING, DRY_RUN = "done", "failed", "unknown", "skipped", "retrying", "dry_run"
# Item statuses that stay unsettled (store.UNSETTLED_STATUSES): driven again by reconcile and scan.
TOKEN_EXPIRED, UNKNOWN_ACCOUNT = "token_expired", "unknown_account"


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
        pages: PagesConfig | Callable[[], PagesConfig],
        detector: Any,
        graph: Any,
        dry_run_graph: Any,
        settings: Settings,
        notifier: Any,
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
        self._clock = clock
        if os.environ.get("POWERTOOLS_IDEMPOTENCY_DISABLED", "").strip().lower() in ("1", "true", "yes", "on"):
            logger.warning("POWERTOOLS_IDEMPOTENCY_DISABLED is set: actions may repeat on redelivery")
        kwargs = {} if lease_seconds is None else {"lease_seconds": lease_seconds}
        self._steps = StepRunner(store.persistence_layer(), expires_after_seconds=store.retention_seconds, **kwargs)

    # -- public --------------------------------------------------------------------------------------

    @property
    def pages(self) -> PagesConfig:
        return self._pages() if callable(self._pages) else self._pages

    def graph_for(self, page: PageSettings) -> Any:
        return self._dry_run_graph if self._settings.dry_run_for(page) else self._graph

    def handle(self, event: WebhookEvent) -> Decision | None:
        """Moderate one event. Returns the decision, or None when the event is skipped.

        Raises the retryable errors (GraphRetryableError, NotifierError, StoreError, idempotency
        "already in progress"): the queue must deliver the event again, and finished steps won't rerun.
        """
        now = self._clock()
        keys = {"item_id": event.item_id, "account_id": event.account_id, "platform": event.platform.value,
                "surface": event.surface.value, "verb": event.verb}
        page = self.pages.for_account(event.account_id)
        if page is None:
            # Unsettled, so a page added to the configuration moments later still gets its items moderated.
            logger.warning("event for an unknown account skipped", extra=keys)
            self.store.save_audit(_new_record(event, "", now, status=UNKNOWN_ACCOUNT, note="unknown account"))
            return None
        if self.store.is_ours(event.item_id):
            logger.info("our own reply or message: skipped", extra=keys)
            return None
        if not self.store.record_version(event.item_id, event.created_time, event.verb, now):
            logger.info("older version of an item after a newer one: skipped", extra=keys)
            return None

        if event.surface is Surface.COMMENT and event.verb not in policy.ACTIONABLE_COMMENT_VERBS:
            # remove / hide / ...: no text to check, nothing to do; keep the earlier verdict in the audit.
            record = self.store.get_audit(event.item_id) or _new_record(event, page.page_id, now, status=DONE)
            self.store.save_audit(_replace(record, verb=event.verb, updated_at=now, note=f"comment {event.verb}"))
            logger.info("comment change without text: recorded", extra=keys)
            return Decision(verdict=Verdict(Label.OK), note=f"comment {event.verb}: nothing to do")

        verdict = self._detector.detect(event.text, allowed_contacts=page.allowed_contacts)
        decision = policy.decide(page, event, verdict)
        logger.info(
            "decision",
            extra={**keys, "label": verdict.label.value, "entity_types": list(verdict.entity_types),
                   "actions": [a.kind.value for a in decision.actions]},
        )

        record = self.store.get_audit(event.item_id) or _new_record(event, page.page_id, now)
        record = _with_decision(record, event, decision, now)
        # Saved once when the run ends (or stops on a retryable error): a worker that dies mid-run leaves
        # its finished steps in the idempotency records, and the redelivery copies them into the audit.

        run = _Run(self, page, event, decision, record, self.graph_for(page))
        run.execute()
        return decision

    def unhide(self, item_id: str) -> AuditRecord:
        """Reverse a hide (false-positive recovery) and record it. Raises KeyError for an unknown item."""
        record = self.store.get_audit(item_id)
        if record is None:
            raise KeyError(item_id)
        page = self.pages.for_account(record.account_id)
        if page is None:
            raise KeyError(record.account_id)
        event = _event_from_record(record)
        now = self._clock()
        self.graph_for(page).hide_comment(page, event, hidden=False)
        record = record.with_action(ActionRecord("unhide", DONE, now))
        record = _replace(record, updated_at=now, note=(record.note + "; unhidden by the professional").lstrip("; "))
        self.store.save_audit(record)
        logger.info("comment unhidden", extra={"item_id": item_id, "account_id": record.account_id})
        return record

    # -- used by _Run --------------------------------------------------------------------------------

    def _run_step(self, key: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return self._steps.run(key, fn)


class _Run:
    """The actions of one decision for one event, each through its own idempotent step."""

    def __init__(
        self, pipeline: Pipeline, page: PageSettings, event: WebhookEvent, decision: Decision, record: AuditRecord,
        graph: Any,
    ) -> None:
        self.p = pipeline
        self.page = page
        self.event = event
        self.decision = decision
        self.record = record
        self.graph = graph
        self.dry_run = pipeline._settings.dry_run_for(page)
        self.token_expired = False
        self.summaries: list[str] = []  # what was done so far, in the professional's words, for the alert

    def execute(self) -> None:
        for action in self.decision.actions:
            if self.token_expired and action.kind in GRAPH_STEPS:
                self._record(action.kind.value, {"status": SKIPPED, "at": self.p._clock(), "detail": "token_expired"})
                continue
            key = self._step_key(action)
            try:
                result = self.p._run_step(key, lambda action=action: self._do(action))
            except _TokenExpired as blocked:
                result = blocked.result
            except Exception as exc:
                # Retryable: note it in the audit record, then let the queue redeliver.
                self._record(action.kind.value, {"status": RETRYING, "at": self.p._clock(),
                                                 "detail": type(exc).__name__})
                raise
            self._record(action.kind.value, result)
            self._after(action, result)
        self._finish()

    def _step_key(self, action: Action) -> str:
        key = f"{self.event.item_id}#{action.kind.value}"
        if action.kind in SEVERITY_STEPS and self.decision.verdict.label is Label.CRISIS:
            key += "#crisis"
        return key + "#dry" if self.dry_run else key

    # one step ---------------------------------------------------------------------------------------

    def _do(self, action: Action) -> dict[str, Any]:
        """Runs inside the idempotent step. Returns the stored result; raises only retryable errors.

        `summary` is PageGuard's own wording for the alert email ("hid the comment"), never the item's text.
        """
        from chalicelib.notifier import describe_action, describe_failure

        kind, now = action.kind, self.p._clock()
        if kind is ActionKind.ALERT:
            alert_kind = "own_content" if self.event.authored_by_page else "detection"
            message_id = self.p._notifier.send(self._alert(alert_kind, urgent=action.urgent))
            return {"status": DONE, "at": now, "result_id": str(message_id or "")}
        claimed_dm_slot = False
        if kind is ActionKind.SEND_MESSAGE and self.decision.verdict.label is not Label.CRISIS:
            # Contact reply: at most once per sender per 24 h. A crisis reply is never rate-limited.
            if not self.p.store.claim_dm_reply(self.event.account_id, self.event.sender_id, now,
                                               owner=self.event.item_id):
                return {"status": SKIPPED, "at": now, "detail": "dm_window",
                        "summary": "did not repeat the contact reply (already sent to this person in the last 24 hours)"}
            claimed_dm_slot = True
        try:
            result_id = self._graph_call(action)
        except GraphRetryableError:
            raise  # the redelivery sends under the same (re-entrant) claim
        except GraphAmbiguousSendError as exc:
            # Meta may have delivered it: never resend, and keep the sender's slot. Stored as the step's final result.
            return {"status": UNKNOWN, "at": now, "detail": _code(exc, "maybe_sent"),
                    "summary": describe_failure(action, self.event, exc)}
        except GraphTokenExpiredError as exc:
            # Nothing was sent; a re-drive after reconnecting claims the slot again.
            self._release_dm_slot(claimed_dm_slot)
            raise _TokenExpired({"status": FAILED, "at": now, "detail": _code(exc, "token_expired"),
                                 "summary": describe_failure(action, self.event, exc)}) from exc
        except GraphPermanentError as exc:
            # Nothing was sent (e.g. outside the messaging window): the sender's next message may be answered.
            self._release_dm_slot(claimed_dm_slot)
            return {"status": FAILED, "at": now, "detail": _code(exc, "permanent"),
                    "summary": describe_failure(action, self.event, exc)}
        if result_id:
            self.p.store.remember_ours(result_id, now)
        summary = describe_action(action, self.event, self.page) + (" (dry run: not sent)" if self.dry_run else "")
        return {"status": DRY_RUN if self.dry_run else DONE, "at": now, "result_id": result_id, "summary": summary}

    def _release_dm_slot(self, claimed: bool) -> None:
        if claimed:
            self.p.store.release_dm_reply(self.event.account_id, self.event.sender_id, owner=self.event.item_id)

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
        if status not in (FAILED, UNKNOWN):
            return
        from chalicelib.notifier import build_alert, reconnect_alert

        summary = str(result.get("summary", ""))
        if detail.startswith("token_expired"):
            self.token_expired = True
            # Once per page per day, however many items fail; retried (not lost) if the email fails.
            day = int(self.p._clock() // DAY)
            alert = reconnect_alert(self.page, self.event.platform, occurred_at=self.p._clock(), detail=summary)
            self._send_alert(f"reconnect#{self.page.page_id}#{day}", alert, record_step="reconnect_alert")
        else:
            alert = build_alert(self.page, self.event, self.decision.verdict, [summary], kind="action_failed",
                                urgent=False)
            self._send_alert(f"{self.event.item_id}#action_failed#{action.kind.value}", alert,
                             record_step=f"action_failed_alert:{action.kind.value}")

    def _send_alert(self, key: str, alert: Any, *, record_step: str) -> None:
        def send() -> dict[str, Any]:
            message_id = self.p._notifier.send(alert)
            return {"status": DONE, "at": self.p._clock(), "result_id": str(message_id or "")}

        try:
            result = self.p._run_step(key, send)
        except Exception as exc:
            self._record(record_step, {"status": RETRYING, "at": self.p._clock(), "detail": type(exc).__name__})
            raise
        self._record(record_step, result)

    def _alert(self, kind: str, *, urgent: bool) -> Any:
        from chalicelib.notifier import build_alert

        return build_alert(self.page, self.event, self.decision.verdict, self.summaries, kind=kind, urgent=urgent)

    # audit ------------------------------------------------------------------------------------------

    def _record(self, step: str, result: dict[str, Any]) -> None:
        action = ActionRecord(
            step=step,
            status=str(result.get("status", "")),
            at=float(result.get("at", self.p._clock())),
            detail=str(result.get("detail", "")),
            result_id=str(result.get("result_id", "")),
        )
        now = self.p._clock()
        self.record = _replace(self.record.with_action(action), updated_at=now)
        if action.status == RETRYING:
            self.p.store.save_audit(self.record)
        logger.info("action", extra={"item_id": self.event.item_id, "step": step, "status": action.status,
                                     "detail": action.detail})

    def _finish(self) -> None:
        statuses = {a.status for a in self.record.actions if a.step in _ACTION_STEPS}
        if self.token_expired:
            status = TOKEN_EXPIRED
        else:
            status = FAILED if statuses & {FAILED, UNKNOWN} else DONE
        self.record = _replace(self.record, status=status, updated_at=self.p._clock())
        self.p.store.save_audit(self.record)


_ACTION_STEPS = frozenset(k.value for k in ActionKind)


def _code(exc: Exception, what: str) -> str:
    code = getattr(exc, "code", None)
    subcode = getattr(exc, "subcode", None)
    return what + (f":{code}" if code is not None else "") + (f"/{subcode}" if subcode else "")


def _replace(record: AuditRecord, **changes: Any) -> AuditRecord:
    from dataclasses import replace

    return replace(record, **changes)


def _new_record(event: WebhookEvent, page_id: str, now: float, *, status: str = "in_progress",
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
        status="in_progress" if decision.actions else DONE,
        updated_at=now,
    )


def _event_from_record(record: AuditRecord) -> WebhookEvent:
    """Enough of the event to address Graph calls (unhide): ids only, no text."""
    return WebhookEvent.from_dict({
        "platform": record.platform, "surface": record.surface, "account_id": record.account_id,
        "item_id": record.item_id, "sender_id": record.sender_id, "text": "", "created_time": record.created_time,
        "verb": record.verb or "add", "post_id": record.post_id, "parent_id": record.parent_id,
    })


def build_pipeline(*, settings: Settings, pages_loader: Callable[[], PagesConfig], store: Store) -> Pipeline:
    """The real pipeline for this stage (called by wiring.py)."""
    from chalicelib.detection import get_detector
    from chalicelib.graph import DryRunGraphClient, HttpGraphClient

    return Pipeline(
        pages=pages_loader,
        detector=get_detector(),
        graph=HttpGraphClient.from_settings(settings),
        dry_run_graph=DryRunGraphClient(),
        settings=settings,
        notifier=_build_notifier(settings),
        store=store,
        lease_seconds=settings.step_lease_seconds,
    )


def _build_notifier(settings: Settings) -> Any:
    from chalicelib import notifier

    if settings.is_local:
        return notifier.OutboxNotifier(settings.outbox_dir, settings.notify_from)
    import boto3

    return notifier.SesNotifier(boto3.client("sesv2"), settings.notify_from)


# --- CLI: `python -m chalicelib.cli unhide ITEM_ID` (registered in cli.py) -----------------------


def configure_unhide(parser: Any) -> None:
    parser.description = "Unhide a comment PageGuard hid (a false positive) and record it in the audit log."
    parser.add_argument("item_id", help="the comment id, as `audit` lists it")


def run_unhide(args: Any) -> int:
    from chalicelib.errors import GraphError
    from chalicelib.wiring import deps

    try:
        record = deps().pipeline.unhide(args.item_id)
    except KeyError:
        print(f"no audit record (or no configured page) for {args.item_id}")
        return 1
    except GraphError as exc:
        print(f"unhide failed: {type(exc).__name__} (code {exc.code})")
        return 1
    print(f"unhidden {record.item_id} on {record.platform}; recorded in the audit log")
    return 0
