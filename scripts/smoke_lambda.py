"""Import PageGuard's handlers from an unpacked Lambda zip the way the python3.12 runtime would, and use them.

Run by scripts/package.py as `python3.12 -I -S -B smoke_lambda.py TASK_DIR RUNTIME_DIR REPORT.json`:
sys.path holds only the standard library, the unpacked zip (like /var/task) and RUNTIME_DIR (like
/var/runtime: the boto3 the runtime ships), so anything missing from the zip fails here, not on Lambda.
Every outbound network connection is refused and counted: detection must work offline (no model or
public-suffix-list downloads). Exit status 0 means the package is usable.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import sys
import time
import traceback

SAMPLE_TEXTS = (
    "Thank you so much for the lovely session today, see you next week!",
    "My son was just diagnosed with ADHD and started Adderall 10 mg, is that normal?",
    "Call me on 415-555-0136 or write to jenna.morales88@gmail.com about my depression meds",
)


class _Context:
    """The attributes Powertools and Chalice read from a Lambda context."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "pageguard-smoke")
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    memory_limit_in_mb = 1769
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/smoke"
    log_stream_name = "smoke"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _refuse_network() -> list[str]:
    attempts: list[str] = []
    original_connect = socket.socket.connect

    def connect(self, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(repr(address))
            raise OSError(f"smoke test: network refused ({address!r})")
        return original_connect(self, address)

    # socket.create_connection, ssl and urllib3 all end in socket.connect.
    socket.socket.connect = connect  # type: ignore[method-assign]
    return attempts


def _health_event() -> dict:
    return {
        "resource": "/health",
        "path": "/health",
        "httpMethod": "GET",
        "headers": {"Host": "smoke.execute-api.us-east-1.amazonaws.com"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/health",
            "httpMethod": "GET",
            "path": "/api/health",
            "stage": "api",
            "requestId": "smoke-request",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def main(task_dir: str, runtime_dir: str, report_path: str) -> int:
    sys.path[:0] = [task_dir, runtime_dir]
    sys.dont_write_bytecode = True  # /var/task is read-only on Lambda
    attempts = _refuse_network()
    report: dict = {"python": sys.version.split()[0], "sys_path_head": sys.path[:2]}
    failures: list[str] = []

    def step(name: str, fn):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            value = fn()
        except BaseException as exc:  # noqa: BLE001 - report every failure, then exit non-zero
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            traceback.print_exc()
            value = None
        report[f"{name}_s"] = round(time.perf_counter() - started, 3)
        print(f"[smoke] {name}: {report[f'{name}_s']:.2f} s", flush=True)
        return value

    app_module = step("import_app", lambda: __import__("app"))
    if app_module is not None:
        for handler in ("app", "worker", "reconcile"):
            if not callable(getattr(app_module, handler, None)):
                failures.append(f"app.{handler} is not a callable handler")
        stray = [m for m in ("presidio_analyzer", "spacy", "numpy") if m in sys.modules]
        report["api_import_pulls_in"] = stray
        if stray:
            failures.append(f"importing app.py (the API handler's cold start) loads {stray}; keep them lazy")

        def health() -> dict:
            response = app_module.app(_health_event(), _Context())
            if response.get("statusCode") != 200:
                raise AssertionError(f"GET /health answered {response.get('statusCode')}: {response.get('body')}")
            return response

        step("invoke_health", health)
        # What the API handler needs: it imports app.py only (the detector is built lazily in the worker).
        report["api_handler_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(f"[smoke] API handler peak RSS {report['api_handler_rss_mb']} MB", flush=True)

    step("import_worker", lambda: __import__("chalicelib.ingest.worker", fromlist=["handle_sqs_batch"]).handle_sqs_batch)
    step("import_reconcile", lambda: __import__("chalicelib.ingest.reconcile", fromlist=["run_scheduled"]).run_scheduled)
    step("import_wiring", lambda: __import__("chalicelib.wiring", fromlist=["build_pipeline"]).build_pipeline)

    detection = step("import_detection", lambda: __import__("chalicelib.detect.engine", fromlist=["get_detector"]))
    detector = step("build_detector", lambda: detection.get_detector()) if detection else None
    if detector is not None:
        verdicts = []
        for i, text in enumerate(SAMPLE_TEXTS):
            verdict = step(f"detect_{i}", lambda text=text: detector.detect(text, allowed_contacts=()))
            if verdict is not None:
                verdicts.append(
                    {
                        "text": text[:40],
                        "label": str(getattr(getattr(verdict, "label", ""), "value", "")),
                        "entities": list(getattr(verdict, "entity_types", ())),
                    }
                )
        report["verdicts"] = verdicts
        for v in verdicts:
            print(f"[smoke]   {v['label']:<24} {v['entities']}  <- {v['text']!r}", flush=True)
        if len(verdicts) == len(SAMPLE_TEXTS) and not verdicts[1]["entities"] and not verdicts[2]["entities"]:
            failures.append("the detector found nothing in the health/contact samples: recognizers did not load")

    usage = resource.getrusage(resource.RUSAGE_SELF)
    report["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # the worker: app + detector + 3 detections
    report["network_attempts"] = attempts
    if attempts:
        failures.append(f"{len(attempts)} outbound connection(s) attempted: {attempts[:3]}")
    missing_pyc = [
        name
        for name, module in list(sys.modules.items())
        if getattr(module, "__file__", "") and str(module.__file__).startswith(task_dir)
        and str(module.__file__).endswith(".py")
        and not os.path.exists(getattr(module, "__cached__", "") or "")
    ]
    report["modules_without_pyc"] = sorted(missing_pyc)
    if missing_pyc:
        print(f"[smoke] note: {len(missing_pyc)} imported modules have no .pyc: {sorted(missing_pyc)[:8]}", flush=True)
    report["failures"] = failures
    print(f"[smoke] peak RSS {report['peak_rss_mb']} MB; network attempts: {len(attempts)}", flush=True)
    with open(report_path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    for failure in failures:
        print(f"[smoke] FAIL {failure}", file=sys.stderr, flush=True)
    print("[smoke] " + ("FAILED" if failures else "OK"), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
