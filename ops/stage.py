"""Where an operator command acts: a deployed stage (its config.json variables and its stack's outputs) or local state.

`deployed_environment` rebuilds the environment the deployed functions have, so the CLI reads the same
table, queues and parameters they do; `deps_for` turns it into the composition root's objects.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib import wiring
from chalicelib.config import REPO_ROOT

STAGES = ("dev", "prod", "ci")  # ci: the deployment test's stage (tests/test_deploy_moto.py)


@dataclass(frozen=True)
class StageTarget:
    """A deployed stage and how to find its stack; stage None means the local stage's state."""

    stage: str | None = None
    stack_name: str | None = None  # default pageguard-STAGE
    region: str | None = None
    graph_api_url: str | None = None


def stage_environment(stage: str) -> dict[str, str]:
    """The literal environment variables .chalice/config.json gives a stage (GRAPH_API_URL, parameter names)."""
    try:
        config = json.loads((REPO_ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stage_config = config.get("stages", {}).get(stage, {})
    env = dict(config.get("environment_variables", {}))
    env.update(stage_config.get("environment_variables", {}))
    return {k: v for k, v in env.items() if isinstance(v, str)}


def deployed_environment(target: StageTarget, cloudformation: Any = None) -> dict[str, str]:
    """The environment the deployed functions have, rebuilt from config.json and the stack's outputs."""
    if not target.stage:
        raise ValueError("deployed_environment needs a stage")
    env = stage_environment(target.stage)
    env["PAGEGUARD_STAGE"] = target.stage
    if cloudformation is None:
        import boto3

        cloudformation = boto3.client("cloudformation", region_name=target.region)
    stack = cloudformation.describe_stacks(StackName=target.stack_name or f"pageguard-{target.stage}")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    env["STORE_TABLE"] = outputs.get("StoreTableName", "")
    env["QUEUE_URL"] = outputs.get("EventsQueueUrl", "")
    env["DEAD_LETTER_QUEUE_URL"] = outputs.get("DeadLetterQueueUrl", "")
    if parameters.get("SenderEmail"):
        env["NOTIFY_FROM"] = f"PageGuard <{parameters['SenderEmail']}>"
    if parameters.get("AuditRetentionDays"):
        env["AUDIT_RETENTION_DAYS"] = parameters["AuditRetentionDays"]
    for parameter, variable in (("MetaAppId", "META_APP_ID"), ("PublicBaseUrl", "PUBLIC_BASE_URL")):
        if parameters.get(parameter):
            env[variable] = parameters[parameter]
    if target.graph_api_url:
        env["GRAPH_API_URL"] = target.graph_api_url
    return env


def deps_for(target: StageTarget, *, pages_file: Path | None = None, cloudformation: Any = None) -> wiring.Deps:
    """The objects for a deployed stage (its table, queues, SES and SSM), or the local stage's: the process's
    own (`wiring.deps()`), or with `pages_file` a local run over that pages file."""
    if target.region:
        os.environ["AWS_DEFAULT_REGION"] = target.region  # the boto3 clients wiring builds use it too
    if target.stage:
        # Only the deployed functions' own environment: a DRY_RUN, STORE_PATH or APP_SECRET in the operator's
        # shell must not change what replay-dlq or scan do to a deployed stage (boto3 still reads its
        # credentials and region from the shell itself).
        return wiring.deps_for_env(deployed_environment(target, cloudformation))
    if pages_file is None and not target.graph_api_url:
        return wiring.deps()
    env = {**os.environ, "PAGEGUARD_STAGE": "local"}
    if pages_file is not None:
        env["PAGES_FILE"] = str(pages_file)
    if target.graph_api_url:
        env["GRAPH_API_URL"] = target.graph_api_url
    return wiring.deps_for_env(env)
