#!/usr/bin/env python3
"""One local worker process: drains the SQLite queue as the worker Lambda drains SQS.

`make run` (scripts/run_local.py) starts these beside `chalice local`; you do not run this by hand.
SIGTERM or SIGINT lets the event in hand finish, then the process exits; an event whose worker was
killed reappears after the queue's visibility timeout and is finished by another worker, acting only
where the first attempt had not (the pipeline's steps are idempotent).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.logs import logger  # noqa: E402
from chalicelib.ingest.queue import SqliteEventQueue  # noqa: E402
from chalicelib.wiring import deps  # noqa: E402


def main() -> int:
    wired = deps()
    if not wired.settings.is_local:
        print("local_worker.py runs only in stage local (PAGEGUARD_STAGE=local)", file=sys.stderr)
        return 2
    queue = wired.queue
    assert isinstance(queue, SqliteEventQueue)
    signal.signal(signal.SIGTERM, lambda *_: queue.stop(timeout=0))
    signal.signal(signal.SIGINT, lambda *_: queue.stop(timeout=0))
    wired.pipeline  # load the detector now, not on the first event
    # Seed the page registry from the pages file now too: seeded on the first event, one worker could look
    # a page up while another (which took the import first) was still writing it, and skip its events as
    # "unknown account". `make run` says ready only once every worker got here.
    wired.pages
    logger.info("local worker ready", extra={"pid": os.getpid()})
    ready_dir = os.environ.get("LOCAL_WORKER_READY_DIR")
    if ready_dir and Path(ready_dir).is_dir():
        (Path(ready_dir) / str(os.getpid())).touch()  # run_local.py announces "ready" once every worker is
    queue.serve()
    logger.info("local worker stopped", extra={"pid": os.getpid()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
