#!/usr/bin/env python3
"""Benchmark the worker's page lookup in the page registry: 1 page against 1,000 (SQLite, sealed tokens).

For each size, after importing the pages JSON into a fresh registry, measures per lookup:
* cold: `PageDirectory.for_account` of a page not cached yet (one record read + one token decrypt);
* warm: the same lookup again within the cache's max age (a dict read);
* by Instagram id (cold), and `pages` (every page with its token: what the sweeps read).

Usage: .venv/bin/python scripts/bench_registry.py [--sizes 1,1000] [--lookups 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.state.page_directory import PageDirectory  # noqa: E402
from chalicelib.state.page_import import import_pages_json  # noqa: E402
from chalicelib.state.page_registry import SqlitePageRegistry, TokenCipher  # noqa: E402

BASE_PAGE = 104857600100000
BASE_IG = 17841400000100000


def pages_json(n: int) -> str:
    return json.dumps({"pages": [{
        "page_id": str(BASE_PAGE + i), "instagram_id": str(BASE_IG + i), "name": f"Practice {i}",
        "access_token": f"EAAB{i:06d}" + "x" * 180, "notify_email": f"owner{i}@practice.example",
        "contact_reply": "Please call us at 555-0100 rather than commenting.",
    } for i in range(n)]})


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6  # noqa: E731
    return f"p50 {pick(0.5):7.1f} µs   p99 {pick(0.99):7.1f} µs"


def run(n: int, lookups: int, workdir: Path) -> None:
    registry = SqlitePageRegistry(workdir / f"registry-{n}.sqlite3", TokenCipher.from_key_file(workdir / "token.key"))
    started = time.perf_counter()
    import_pages_json(pages_json(n), registry, overwrite=True)
    imported = time.perf_counter() - started
    rng = random.Random(7)
    ids = [str(BASE_PAGE + rng.randrange(n)) for _ in range(lookups)]
    cold, warm, by_ig = [], [], []
    for page_id in ids:
        directory = PageDirectory(registry, max_age=60)  # a fresh cache: every lookup below is a miss
        t = time.perf_counter()
        page = directory.for_account(page_id)
        cold.append(time.perf_counter() - t)
        assert page is not None and page.access_token
        t = time.perf_counter()
        directory.for_account(page_id)
        warm.append(time.perf_counter() - t)
    for page_id in ids[: lookups // 4]:
        ig = str(BASE_IG + int(page_id) - BASE_PAGE)
        t = time.perf_counter()
        PageDirectory(registry).for_account(ig)
        by_ig.append(time.perf_counter() - t)
    t = time.perf_counter()
    everything = PageDirectory(registry).pages
    all_pages = time.perf_counter() - t
    assert len(everything) == n
    print(f"{n:>5} page(s): import {imported * 1000:8.1f} ms | lookup cold {quantiles(cold)} | warm {quantiles(warm)}"
          f" | by Instagram id {quantiles(by_ig)} | all pages with tokens {all_pages * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,1000")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pageguard-registry-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run(n, args.lookups, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
