"""Logs are PageGuard's JSON lines only: Presidio and spaCy print nothing per item, even when the root
logger is at INFO (as `chalice local` configures it)."""

from __future__ import annotations

import logging

import pytest

from chalicelib.detect.engine import build_analyzer, get_detector


def test_detection_logs_nothing_of_its_own_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        build_analyzer()  # "Using device of type ..." is logged while the engine is built
        detector = get_detector()
        detector.detect("my son's adhd meds stopped working", "en")
        detector.detect("mi hija tiene ansiedad desde marzo", "es")
    foreign = [r for r in caplog.records if not r.name.startswith("pageguard")]
    assert foreign == [], [f"{r.name}: {r.getMessage()}" for r in foreign]
