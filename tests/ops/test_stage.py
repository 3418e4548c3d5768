"""A deployed stage's objects come from that stage's own environment, never from the operator's shell."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ops.stage import StageTarget, deps_for
from tests.aws_fixtures import aws_client

_TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    "Outputs": {
        "StoreTableName": {"Value": "pageguard-prod-store"},
        "EventsQueueUrl": {"Value": "https://sqs.us-east-1.amazonaws.com/123456789012/events"},
        "DeadLetterQueueUrl": {"Value": "https://sqs.us-east-1.amazonaws.com/123456789012/dlq"},
    },
}


@pytest.fixture
def stack(moto_server: str) -> tuple[Any, str]:
    cfn = aws_client("cloudformation", moto_server)
    name = f"pageguard-prod-{uuid.uuid4().hex[:6]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(_TEMPLATE))
    return cfn, name


def test_operator_shell_does_not_leak_into_a_deployed_stage(stack: tuple[Any, str], monkeypatch: Any) -> None:
    # GIVEN an operator whose shell still has local-stage settings (DRY_RUN=true would make replay-dlq
    # delete dead letters without acting)
    cfn, name = stack
    for key, value in {"DRY_RUN": "true", "APP_SECRET": "shell-secret", "STORE_PATH": "/tmp/x.sqlite3",
                       "GRAPH_API_URL": "http://127.0.0.1:9/v0", "POWERTOOLS_IDEMPOTENCY_DISABLED": "true"}.items():
        monkeypatch.setenv(key, value)
    # WHEN replay-dlq or scan builds the prod stage's objects
    settings = deps_for(StageTarget("prod", stack_name=name), cloudformation=cfn).settings
    # THEN they are the deployed functions' settings only
    assert settings.stage == "prod"
    assert settings.dry_run is None and settings.app_secret == "" and not settings.idempotency_disabled
    assert settings.graph_api_url == "https://graph.facebook.com/v25.0"
    assert settings.store_table == "pageguard-prod-store"
    assert settings.queue_url.endswith("/events") and settings.dead_letter_queue_url.endswith("/dlq")
