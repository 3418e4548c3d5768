"""PageGuard's Chalice app: routes and event handlers only. Objects come from chalicelib.wiring (the composition root)."""

from __future__ import annotations

import time

from chalice import BadRequestError, Chalice, ForbiddenError, Rate, Response
from aws_lambda_powertools.logging import correlation_paths
from chalice.app import ConvertToMiddleware

from chalicelib import __version__
from chalicelib.ingest import replay, webhook
from chalicelib.config import RECONCILE_EVERY_MINUTES
from chalicelib.errors import WebhookPayloadError, WebhookSignatureError
from chalicelib.logs import logger
from chalicelib.ingest.queue import QueueError
from chalicelib.wiring import deps

app = Chalice(app_name="pageguard")
# Every log line of a request carries API Gateway's request id as correlation_id.
app.register_middleware(
    ConvertToMiddleware(logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST))
)

# Names are constants because Chalice evaluates decorator arguments when packaging (infra/ uses them).
WORKER_FUNCTION = "worker"
RECONCILE_FUNCTION = "reconcile"
JSON_TYPES = ["application/json", "application/json; charset=utf-8"]


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
        },
    )
    return Response(body={"received": len(parsed.all_events)}, status_code=200)


@app.lambda_function(name=WORKER_FUNCTION)
def worker(event: dict, context: object) -> dict:
    # SQS event source with ReportBatchItemFailures is created in infra/ (on_sqs_message can't set it).
    # Imported here so the webhook Lambda never loads the worker's modules.
    from chalicelib.ingest.worker import handle_sqs_batch

    d = deps()
    return handle_sqs_batch(event, context, pipeline=d.pipeline, store=d.store, visibility=d.redelivery_delay)


@app.schedule(Rate(RECONCILE_EVERY_MINUTES, unit=Rate.MINUTES), name=RECONCILE_FUNCTION)
def reconcile(event: object) -> None:
    from chalicelib.ingest.reconcile import run_scheduled

    d = deps()
    run_scheduled(d.pipeline, d.store)
