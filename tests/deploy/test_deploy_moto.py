"""The whole stack created, updated and deleted by `make deploy STAGE=ci` against moto's server mode.

Run by `make deploy-test` (and `.ci/run`); `make test` skips it loudly, because it packages the Lambda first
(about a minute with the vendor cache warm). moto runs in this process on loopback, reached by the deploy
subprocess through AWS_ENDPOINT_URL, exactly as a developer would point a shell at it.

What the emulator needs that AWS does not, and where each adjustment lives:
- an explicit FunctionName on each function: **in the production template** (infra/resources.json). Named
  functions (`pageguard-prod-worker`, ...) are what operators look for in the console, in CloudWatch and in
  `aws lambda` commands, and match the log-group names; nothing in the stack needs to replace a function,
  which is the one thing a fixed name forbids.
- a Name on the REST API: **in the production template** too; it is the ApiName the 4xx/5xx alarms
  watch, which AWS otherwise takes from the Swagger title (the same value).
- the SAM transform: **test-only** (`--expand-sam-locally`, via PAGEGUARD_EXPAND_SAM=1). moto has none;
  production leaves it to CloudFormation. The expansion uses AWS's own translator.
- the REST API's Swagger body, CloudWatch alarms and the SES identity: **test-only**, taught to moto in
  tests/deploy/moto_cloudformation.py; the rest (SNS subscription, queue policy, metric filter) is
  checked in the template CloudFormation received, because moto does not create them.
- a change set on moto lists resources whose template changed, not those a parameter reaches, so the
  update check reads the change set's parameters (exactly one differs) and the functions' new environment.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
STAGE = "ci"
STACK = f"pageguard-{STAGE}"
SENDER = "alerts@pageguard.test"
SENDER_DOMAIN = "pageguard.test"
ALARM_EMAIL = "ops@pageguard.test"
CONFIG = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"][STAGE]["lambda_functions"]
FUNCTIONS = {"api_handler": f"{STACK}-api", "worker": f"{STACK}-worker", "reconcile": f"{STACK}-reconcile"}

pytestmark = pytest.mark.skipif(
    os.environ.get("PAGEGUARD_DEPLOY_TEST") != "1",
    reason="DEPLOYMENT TEST NOT RUN: it packages the Lambda and deploys it to moto; run `make deploy-test` "
    "(.ci/run does)",
)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    from tests.deploy import moto_cloudformation

    moto_cloudformation.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, PAGEGUARD_EXPAND_SAM="1")
    return env


def make_deploy(endpoint: str, *args: str) -> str:
    result = subprocess.run(["make", "deploy", f"STAGE={STAGE}", *args], cwd=REPO, env=_env(endpoint),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


def client(endpoint: str, service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def deployed(endpoint: str) -> dict[str, Any]:
    out = make_deploy(endpoint, f"SENDER_EMAIL={SENDER}", f"SENDER_DOMAIN={SENDER_DOMAIN}", f"ALARM_EMAIL={ALARM_EMAIL}")
    cfn = client(endpoint, "cloudformation")
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert "Outputs" in stack, (stack, out[-3000:])
    return {"stdout": out, "stack": stack, "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]},
            "template": json.loads((REPO / "build" / STAGE / "packaged.json").read_text())}


def test_the_stack_is_created_with_the_webhook_url_in_its_outputs(endpoint: str, deployed: dict[str, Any]) -> None:
    # Created, then updated once: the API's URL becomes PublicBaseUrl, which the functions need for the
    # console links in alert emails and cannot reference themselves (API -> function -> API is a cycle).
    assert deployed["stack"]["StackStatus"] == "UPDATE_COMPLETE"
    api_id = client(endpoint, "apigateway").get_rest_apis()["items"][0]["id"]
    base_url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/api"
    assert deployed["outputs"]["WebhookUrl"] == f"{base_url}/webhook"
    assert f"Webhook callback URL for the Meta App Dashboard: {deployed['outputs']['WebhookUrl']}" in deployed["stdout"]
    assert f"PublicBaseUrl was empty: setting it to {base_url}" in deployed["stdout"]
    parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in deployed["stack"]["Parameters"]}
    assert parameters["PublicBaseUrl"] == base_url
    lam = client(endpoint, "lambda")
    for function in ("api_handler", "worker"):
        env = lam.get_function(FunctionName=FUNCTIONS[function])["Configuration"]["Environment"]["Variables"]
        assert env["PUBLIC_BASE_URL"] == base_url, function
    paths = {r["path"] for r in client(endpoint, "apigateway").get_resources(restApiId=api_id)["items"]}
    assert {"/webhook", "/health"} <= paths


def test_queue_redrives_to_its_dead_letter_queue(endpoint: str, deployed: dict[str, Any]) -> None:
    sqs = client(endpoint, "sqs")
    queue = sqs.get_queue_attributes(QueueUrl=deployed["outputs"]["EventsQueueUrl"], AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=deployed["outputs"]["DeadLetterQueueUrl"], AttributeNames=["All"])["Attributes"]
    assert json.loads(queue["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 5}
    assert queue["VisibilityTimeout"] == "360" and dlq["MessageRetentionPeriod"] == str(14 * 24 * 3600)
    assert queue["SqsManagedSseEnabled"] == "true" and dlq["SqsManagedSseEnabled"] == "true"


def test_table_has_ttl_point_in_time_recovery_and_encryption(endpoint: str, deployed: dict[str, Any]) -> None:
    ddb = client(endpoint, "dynamodb")
    name = deployed["outputs"]["StoreTableName"]
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_each_function_has_its_own_role_size_timeout_and_reserved_concurrency(endpoint: str,
                                                                              deployed: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    roles = set()
    reserved = {"api_handler": 5, "worker": 3, "reconcile": None}  # the template's defaults
    for function, name in FUNCTIONS.items():
        got = lam.get_function(FunctionName=name)
        config = got["Configuration"]
        roles.add(config["Role"])
        assert config["MemorySize"] == CONFIG[function]["lambda_memory_size"], function
        assert config["Timeout"] == CONFIG[function]["lambda_timeout"], function
        assert config["Runtime"] == "python3.12"
        assert config["Environment"]["Variables"]["PAGEGUARD_STAGE"] == STAGE
        assert got.get("Concurrency", {}).get("ReservedConcurrentExecutions") == reserved[function], function
    assert len(roles) == 3


def test_the_worker_drains_the_queue_reporting_batch_item_failures(endpoint: str, deployed: dict[str, Any]) -> None:
    lam = client(endpoint, "lambda")
    mappings = lam.list_event_source_mappings(FunctionName=FUNCTIONS["worker"])["EventSourceMappings"]
    queue_arn = client(endpoint, "sqs").get_queue_attributes(
        QueueUrl=deployed["outputs"]["EventsQueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert [(m["EventSourceArn"], m["FunctionResponseTypes"], m["BatchSize"]) for m in mappings] == [
        (queue_arn, ["ReportBatchItemFailures"], 10)]


def test_alarms_notify_the_alarm_topic(endpoint: str, deployed: dict[str, Any]) -> None:
    alarms = client(endpoint, "cloudwatch").describe_alarms()["MetricAlarms"]
    expected = [k for k, r in deployed["template"]["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == len(expected) and len(expected) >= 7
    topic = deployed["outputs"]["AlarmTopicArn"]
    assert all(a["AlarmActions"] == [topic] for a in alarms)
    dlq_alarm = [a for a in alarms if a["MetricName"] == "ApproximateNumberOfMessagesVisible"][0]
    assert dlq_alarm["Dimensions"][0]["Value"] == deployed["outputs"]["DeadLetterQueueUrl"].rsplit("/", 1)[1]
    # moto does not create SNS subscriptions from CloudFormation: the one the stack asked for, as sent.
    from tests.deploy.moto_cloudformation import SKIPPED_BY_MOTO

    subscription = deployed["template"]["Resources"]["AlarmEmailSubscription"]
    assert subscription["Type"] in SKIPPED_BY_MOTO
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    params = {p["ParameterKey"]: p.get("ParameterValue") for p in deployed["stack"]["Parameters"]}
    assert params["AlarmEmail"] == ALARM_EMAIL


def test_the_sender_domain_is_verified_with_easy_dkim_and_a_custom_mail_from(endpoint: str,
                                                                           deployed: dict[str, Any]) -> None:
    identity = client(endpoint, "sesv2").get_email_identity(EmailIdentity=SENDER_DOMAIN)
    assert identity["IdentityType"] == "DOMAIN"
    assert identity["DkimAttributes"]["NextSigningKeyLength"] == "RSA_2048_BIT"
    mail_from = client(endpoint, "ses").get_identity_mail_from_domain_attributes(Identities=[SENDER_DOMAIN])
    attributes = mail_from["MailFromDomainAttributes"][SENDER_DOMAIN]
    assert (attributes["MailFromDomain"], attributes["BehaviorOnMXFailure"]) == (f"bounce.{SENDER_DOMAIN}",
                                                                                 "UseDefaultValue")
    # The domain covers the address: no separate address identity.
    names = [i["IdentityName"] for i in client(endpoint, "sesv2").list_email_identities()["EmailIdentities"]]
    assert names == [SENDER_DOMAIN]
    # The DNS records to add, as outputs and as deploy printed them.
    outputs = deployed["outputs"]
    dkim = [outputs[f"DkimRecord{i}"] for i in (1, 2, 3)]
    assert all(r.endswith(".dkim.amazonses.com") and f"._domainkey.{SENDER_DOMAIN} CNAME " in r for r in dkim)
    assert outputs["MailFromMxRecord"] == f"bounce.{SENDER_DOMAIN} MX 10 feedback-smtp.us-east-1.amazonses.com"
    for record in dkim + [outputs["MailFromMxRecord"], outputs["MailFromSpfRecord"]]:
        assert f"[deploy]   {record}" in deployed["stdout"]


def test_a_changed_parameter_changes_only_what_reads_it_then_deleting_keeps_the_table(
        endpoint: str, deployed: dict[str, Any]) -> None:
    cfn = client(endpoint, "cloudformation")
    before = {p["ParameterKey"]: p.get("ParameterValue") for p in deployed["stack"]["Parameters"]}
    out = make_deploy(endpoint, "DEPLOY_FLAGS=--parameter AuditRetentionDays=30")
    change_sets = cfn.list_change_sets(StackName=STACK)["Summaries"]
    latest = sorted(change_sets, key=lambda c: c["CreationTime"])[-1]
    described = cfn.describe_change_set(StackName=STACK, ChangeSetName=latest["ChangeSetId"])
    after = {p["ParameterKey"]: p.get("ParameterValue") for p in described["Parameters"]}
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {"AuditRetentionDays"}, (before, after)
    changed_resources = {c["ResourceChange"]["LogicalResourceId"] for c in described.get("Changes", [])}
    # Only the functions that read AuditRetentionDays, plus every function when the zip was rebuilt with other
    # bytes (Chalice's zip is not byte-reproducible, so a new build is a new S3 key): never the rest.
    readers = {"Worker", "Reconcile"} | ({"APIHandler"} if "already uploaded" not in out else set())
    assert changed_resources <= readers, (changed_resources, out[-2000:])
    assert "updating stack pageguard-ci" in out
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    lam = client(endpoint, "lambda")
    for function in ("worker", "reconcile"):
        env = lam.get_function(FunctionName=FUNCTIONS[function])["Configuration"]["Environment"]["Variables"]
        assert str(env["AUDIT_RETENTION_DAYS"]) == "30"  # moto keeps the number; Lambda gets "30"
    assert lam.get_function(FunctionName=FUNCTIONS["worker"])["Configuration"]["Environment"]["Variables"][
        "NOTIFY_FROM"] == f"PageGuard <{SENDER}>"  # the previous value kept

    table = deployed["outputs"]["StoreTableName"]
    cfn.delete_stack(StackName=STACK)
    cfn.get_waiter("stack_delete_complete").wait(StackName=STACK, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert client(endpoint, "dynamodb").describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert not set(FUNCTIONS.values()) & set(names)
    assert client(endpoint, "sqs").list_queues().get("QueueUrls", []) == []
