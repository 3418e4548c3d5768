"""PageGuard's Chalice app: routes and event handlers only. Objects come from chalicelib.wiring (the composition root)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalice import BadRequestError, Chalice, ForbiddenError, Rate, Response
from aws_lambda_powertools.logging import correlation_paths
from chalice.app import ConvertToMiddleware

from chalicelib import __version__
from chalicelib.ingest import replay, webhook
from chalicelib.config import RECONCILE_EVERY_MINUTES
from chalicelib.console.web import WebReply, parse_form
from chalicelib.errors import ConfigError, WebhookPayloadError, WebhookSignatureError
from chalicelib.logs import logger
from chalicelib.ingest.queue import QueueError
from chalicelib.wiring import deps

if TYPE_CHECKING:
    from chalicelib.connect.web import WebAnswer

app = Chalice(app_name="pageguard")
# Every log line of a request carries API Gateway's request id as correlation_id.
app.register_middleware(
    ConvertToMiddleware(logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST))
)

# Names are constants because Chalice evaluates decorator arguments when packaging (infra/ uses them).
WORKER_FUNCTION = "worker"
RECONCILE_FUNCTION = "reconcile"
JSON_TYPES = ["application/json", "application/json; charset=utf-8"]
FORM_TYPES = ["application/x-www-form-urlencoded"]


@app.route("/health", methods=["GET"])
def health() -> dict:
    return {"status": "ok", "version": __version__, "stage": deps().settings.stage}


@app.route("/webhook", methods=["GET"])
def verify_subscription() -> Response:
    try:
        challenge = webhook.answer_subscription(app.current_request.query_params, deps().verify_token)
    except WebhookSignatureError as exc:
        logger.warning("subscription handshake refused", extra={"why": str(exc)})
        raise ForbiddenError("verification failed") from exc
    logger.info("subscription handshake accepted")
    return Response(body=challenge, status_code=200, headers={"Content-Type": "text/plain"})


@app.route("/webhook", methods=["POST"], content_types=JSON_TYPES)
def receive_webhook() -> Response:
    request = app.current_request
    body = request.raw_body or b""
    if len(body) > webhook.MAX_BODY_BYTES:
        logger.warning("webhook body too large", extra={"bytes": len(body)})
        return Response(body={"error": "payload too large"}, status_code=413)
    try:
        webhook.verify_signature(body, request.headers.get(webhook.SIGNATURE_HEADER), deps().app_secret)
    except WebhookSignatureError as exc:
        logger.warning("webhook signature refused", extra={"why": str(exc)})
        raise ForbiddenError("invalid signature") from exc
    try:
        parsed = webhook.parse_events(webhook.parse_body(body))
    except WebhookPayloadError as exc:
        logger.warning("webhook payload refused", extra={"why": str(exc)})
        raise BadRequestError(str(exc)) from exc
    parsed = replay.drop_stale(parsed, now=time.time(), window_seconds=deps().settings.replay_window_days * 86400)
    try:
        deps().queue.send_all(parsed.all_events)
    except QueueError:
        logger.exception("webhook events not queued; Meta will deliver again")
        return Response(body={"error": "temporarily unavailable"}, status_code=500)
    logger.info(
        "webhook accepted",
        extra={
            "item_ids": [e.item_id for e in parsed.all_events],
            "visitor_items": len(parsed.events),
            "own_items": len(parsed.own_content),
            "skipped": parsed.skipped,
            "skipped_kinds": sorted(set(parsed.skipped_kinds)),
        },
    )
    return Response(body={"received": len(parsed.all_events)}, status_code=200)


# --- the professional's console (chalicelib/console/): GET reads, POST (with a CSRF token) queues ------


def _html(reply: WebReply | WebAnswer) -> Response:
    return Response(body=reply.body, status_code=reply.status, headers=reply.headers)


def _cookie() -> str | None:
    return app.current_request.headers.get("cookie")


def _form() -> dict[str, str]:
    return parse_form(app.current_request.raw_body)


@app.route("/console", methods=["GET"])
def console_decisions() -> Response:
    return _html(deps().console.decisions(_cookie(), app.current_request.query_params))


@app.route("/console/items/{item_id}", methods=["GET"])
def console_item(item_id: str) -> Response:
    return _html(deps().console.item(_cookie(), item_id, app.current_request.query_params))


@app.route("/console/items/{item_id}/undo", methods=["POST"], content_types=FORM_TYPES)
def console_undo(item_id: str) -> Response:
    return _html(deps().console.act(_cookie(), item_id, "undo", _form()))


@app.route("/console/items/{item_id}/keep", methods=["POST"], content_types=FORM_TYPES)
def console_keep(item_id: str) -> Response:
    return _html(deps().console.act(_cookie(), item_id, "keep", _form()))


@app.route("/console/health", methods=["GET"])
def console_health() -> Response:
    return _html(deps().console.health(_cookie(), app.current_request.query_params))


@app.route("/console/health/{page_id}/check-token", methods=["POST"], content_types=FORM_TYPES)
def console_check_token(page_id: str) -> Response:
    return _html(deps().console.check_token(_cookie(), page_id, _form()))


@app.route("/console/settings", methods=["GET"])
def console_settings() -> Response:
    return _html(deps().console.settings(_cookie(), app.current_request.query_params))


@app.route("/console/settings/{page_id}", methods=["POST"], content_types=FORM_TYPES)
def console_save_settings(page_id: str) -> Response:
    return _html(deps().console.save_settings(_cookie(), page_id, _form()))


@app.route("/console/sign-in", methods=["GET"])
def console_sign_in_page() -> Response:
    return _html(deps().console.sign_in_page((app.current_request.query_params or {}).get("t", "")))


@app.route("/console/sign-in", methods=["POST"], content_types=FORM_TYPES)
def console_sign_in() -> Response:
    return _html(deps().console.sign_in(_form()))


@app.route("/console/fresh-link", methods=["POST"], content_types=FORM_TYPES)
def console_fresh_link() -> Response:
    return _html(deps().console.fresh_link(_form()))


@app.route("/console/sign-out", methods=["POST"], content_types=FORM_TYPES)
def console_sign_out() -> Response:
    return _html(deps().console.sign_out(_cookie(), _form()))


@app.route("/console/signed-out", methods=["GET"])
def console_signed_out() -> Response:
    return _html(deps().console.signed_out())


@app.route("/data-deletion", methods=["GET"])
def data_deletion_status() -> Response:
    """The status page the callback's answer points at (?code=)."""
    from chalicelib.ingest import data_deletion as deletion
    from chalicelib.ingest.public_pages import deletion_status_html

    code = (app.current_request.query_params or {}).get("code", "")
    receipt = deps().store.get_deletion_receipt(code) if deletion.is_confirmation_code(code) else None
    return Response(body=deletion_status_html(receipt, code), status_code=200 if receipt else 404,
                    headers={"Content-Type": "text/html; charset=utf-8"})


@app.route("/data-deletion", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def data_deletion() -> Response:
    """Meta's data-deletion callback: a signed_request naming the user whose data must go."""
    import time

    from chalicelib.ingest import data_deletion as deletion

    request = app.current_request
    try:
        signed = deletion.parse_signed_request(deletion.signed_request_from_form(request.raw_body or b""),
                                               deps().app_secret)
    except WebhookSignatureError as exc:
        logger.warning("data-deletion request refused", extra={"why": str(exc)})
        raise ForbiddenError("invalid signed_request") from exc
    except WebhookPayloadError as exc:
        logger.warning("data-deletion request malformed", extra={"why": str(exc)})
        raise BadRequestError(str(exc)) from exc
    receipt = deletion.erase_user(deps().store, signed.user_id, time.time())
    context = request.context or {}
    base = (f"https://{context['domainName']}/{context.get('stage', 'api')}" if context.get("domainName")
            else f"http://{request.headers.get('host', 'localhost')}")
    logger.info("data-deletion request done", extra={"audit_records": receipt.audit_records,
                                                     "dm_reply_slots": receipt.dm_reply_slots,
                                                     "dead_letters": receipt.dead_letters})
    return Response(body={"url": f"{base}/data-deletion?code={receipt.code}", "confirmation_code": receipt.code},
                    status_code=200)


@app.route("/privacy", methods=["GET"])
def privacy() -> Response:
    from chalicelib.ingest.public_pages import privacy_policy_html

    return Response(body=privacy_policy_html(deps().settings.audit_retention_days), status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8"})


# --- connect a page with Facebook Login (chalicelib/connect/) ---------------------------------------
@app.route("/connect", methods=["GET"])
def connect_start() -> Response:
    from chalicelib.connect import web

    request = app.current_request
    d = deps()
    return _html(web.start(d.connect_flow, d.settings, request.query_params or {}, request.headers.get("host", "")))


@app.route("/connect/callback", methods=["GET"])
def connect_callback() -> Response:
    from chalicelib.connect import web

    request = app.current_request
    d = deps()
    return _html(web.callback(d.connect_flow, d.settings, request.query_params or {}, request.headers.get("host", ""),
                              console_key=d.console_key))


@app.route("/connect/pages", methods=["POST"], content_types=FORM_TYPES)
def connect_pages() -> Response:
    from chalicelib.connect import web

    request = app.current_request
    d = deps()
    return _html(web.choose_pages(d.connect_flow, d.settings, request.raw_body or b"", request.headers.get("cookie", ""),
                                  console_key=d.console_key))


@app.lambda_function(name=WORKER_FUNCTION)
def worker(event: dict, context: object) -> dict:
    # SQS event source with ReportBatchItemFailures is created in infra/ (on_sqs_message can't set it).
    # Imported here so the webhook Lambda never loads the worker's modules.
    from chalicelib.ingest.worker import handle_sqs_batch

    d = deps()
    return handle_sqs_batch(event, context, pipeline=d.pipeline, store=d.store, visibility=d.redelivery_delay)


@app.schedule(Rate(RECONCILE_EVERY_MINUTES, unit=Rate.MINUTES), name=RECONCILE_FUNCTION)
def reconcile(event: object) -> None:
    from chalicelib.console.watch import watch_pages
    from chalicelib.ingest.reconcile import run_scheduled

    from chalicelib.connect.token_health import check_tokens_daily

    d = deps()
    report = run_scheduled(d.pipeline, d.store)
    # tell the professional when their token stops working or webhooks stop; record each page's sweep
    watch_pages(d.pipeline, swept=report.swept)
    # The daily token check rides on this schedule (the first run of each UTC day does it).
    try:
        login = d.facebook_login
    except ConfigError as exc:
        logger.warning("token check not configured", extra={"why": str(exc)})
        return
    check_tokens_daily(d.page_registry, login, d.notifier, connect_url=d.connect_url, send_once=d.pipeline.send_once)
