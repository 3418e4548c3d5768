"""`DryRunGraphClient`: logs and records the calls it would make (DRY_RUN, local runs, and the recording fake in tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Mapping

from aws_lambda_powertools import Logger

from chalicelib.act.graph.requests import PlannedRequest, plan_request
from chalicelib.config import PageSettings
from chalicelib.models import WebhookEvent

logger = Logger(service="pageguard", child=True)

MAX_RECORDED_CALLS = 1000  # DryRunGraphClient keeps the most recent calls only


@dataclass(frozen=True)
class GraphCall:
    """One call a DryRunGraphClient received. `text` is only ever the page's own configured wording."""

    op: str
    method: str
    path: str
    platform: str
    account_id: str
    target_id: str
    text: str = ""


class DryRunGraphClient:
    """Logs the calls it would make (method, path, ids; never text or token) and records them in `calls`.

    Used for DRY_RUN and local runs, and as the recording fake in pipeline tests. `comments` are the
    canned results of `list_recent_comments`, `messages` those of `fetch_message_text`; `failures` maps an operation name to errors raised (in
    order, once each) before the call is recorded, to script Graph failures without HTTP.
    """

    def __init__(
        self,
        comments: list[WebhookEvent] | None = None,
        failures: Mapping[str, list[BaseException]] | None = None,
        *,
        instagram_login: bool = False,
        messages: Mapping[str, str] | None = None,
    ) -> None:
        self.calls: list[GraphCall] = []
        self.comments = list(comments or [])
        self.failures: dict[str, list[BaseException]] = {k: list(v) for k, v in (failures or {}).items()}
        self._instagram_login = instagram_login
        self.messages = dict(messages or {})  # canned results of fetch_message_text, by message id

    def hide_comment(self, page: PageSettings, event: WebhookEvent, hidden: bool = True) -> None:
        self._record(plan_request("hide_comment", page, event, hidden=hidden), event, "")

    def delete_comment(self, page: PageSettings, event: WebhookEvent) -> None:
        self._record(plan_request("delete_comment", page, event), event, "")

    def reply_to_comment(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        return self._record(plan_request("reply_to_comment", page, event, text=text), event, text)

    def private_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("private_reply", page, event, text=text, instagram_login=self._instagram_login)
        return self._record(plan, event, text)

    def send_message(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        plan = plan_request("send_message", page, event, text=text, instagram_login=self._instagram_login)
        return self._record(plan, event, text)

    def find_reply(self, page: PageSettings, event: WebhookEvent, text: str) -> str:
        self._fail_if_scripted("find_reply")
        path = plan_request("reply_to_comment", page, event, text=text).path
        sent = [c for c in self.calls if c.op == "reply_to_comment" and c.path == path and c.text == text]
        return f"dry-run:{sent[-1].target}" if sent else ""

    def list_recent_comments(self, page: PageSettings, since: float) -> list[WebhookEvent]:
        self._fail_if_scripted("list_recent_comments")
        accounts = {page.page_id, page.instagram_id} - {""}
        return sorted(
            (e for e in self.comments if e.account_id in accounts and e.created_time >= since),
            key=lambda e: (e.created_time, e.item_id),
        )

    def check_token(self, page: PageSettings) -> None:
        self._fail_if_scripted("check_token")

    def fetch_message_text(self, page: PageSettings, event: WebhookEvent) -> str:
        """A dry run reads nothing from Meta: the canned text, or "" (the edit is recorded as not checked)."""
        self._fail_if_scripted("fetch_message")
        return self.messages.get(event.item_id, "")

    @property
    def ops(self) -> list[str]:
        return [c.op for c in self.calls]

    def _record(self, plan: PlannedRequest, event: WebhookEvent, text: str) -> str:
        self._fail_if_scripted(plan.op)
        target = plan.path.strip("/").split("/")[0]
        self.calls.append(GraphCall(plan.op, plan.method, plan.path, event.platform.value, event.account_id, target, text))
        if len(self.calls) > MAX_RECORDED_CALLS:  # a long-lived DRY_RUN process must not grow without bound
            del self.calls[: len(self.calls) - MAX_RECORDED_CALLS]
        logger.info(
            "dry run: graph call not sent",
            extra={"op": plan.op, "method": plan.method, "path": plan.path, "platform": event.platform.value,
                   "item_id": event.item_id, "surface": event.surface.value},
        )
        return f"dry-run:{uuid.uuid4()}"

    def _fail_if_scripted(self, op: str) -> None:
        queue = self.failures.get(op)
        if queue:
            raise queue.pop(0)


