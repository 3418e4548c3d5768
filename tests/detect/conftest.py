"""Shared fixtures for the detection tests."""

from __future__ import annotations

import pytest

from chalicelib.detect.engine import get_detector


@pytest.fixture(scope="session")
def detector():
    """The process-wide detector, built once for every detection test."""
    return get_detector()
