"""Infrastructure as code: the merge template, the stages in .chalice/config.json, the hand-written IAM policies,
and the packaging and deploy scripts' pure parts. The full build (`make package`) runs in CI on its own."""

from __future__ import annotations

import importlib.util
import inspect
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from ops import provision
from chalicelib import wiring
from chalicelib.state import dynamo_store as store
from chalicelib.ingest import worker

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((REPO / "infra" / "resources.json").read_text())
CONFIG = json.loads((REPO / ".chalice" / "config.json").read_text())
RESOURCES = TEMPLATE["Resources"]
FUNCTIONS = {"api_handler": "APIHandler", "worker": "Worker", "reconcile": "Reconcile"}
DEPLOYED_STAGES = ("dev", "prod")


def _load_script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"pageguard_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


package = _load_script("package")
deploy = _load_script("deploy")


def _policy(function: str) -> dict[str, Any]:
    name = CONFIG["stages"]["prod"]["lambda_functions"][function]["iam_policy_file"]
    return json.loads((REPO / ".chalice" / name).read_text())


def _statements(function: str) -> list[dict[str, Any]]:
    return _policy(function)["Statement"]


def _actions(function: str) -> set[str]:
    out: set[str] = set()
    for st in _statements(function):
        acts = st["Action"]
        out.update([acts] if isinstance(acts, str) else acts)
    return out


def _refs(node: Any) -> Iterator[str]:
    """Every resource or parameter name a CloudFormation fragment refers to (Ref, GetAtt, ${X} in Sub)."""
    import re

    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                yield value
            elif key == "Fn::GetAtt":
                yield value[0]
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                yield from (m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text))
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


# --- queue and worker trigger ---------------------------------------------------------------------


def test_queue_redrives_to_the_dead_letter_queue_after_the_workers_receive_count() -> None:
    queue = RESOURCES["EventsQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}
    assert queue["RedrivePolicy"]["maxReceiveCount"] == worker.MAX_RECEIVE_COUNT
    assert queue["VisibilityTimeout"] == worker.VISIBILITY_TIMEOUT_SECONDS
    assert RESOURCES["EventsDeadLetterQueue"]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_both_queues_are_encrypted_and_refuse_plain_http() -> None:
    for name in ("EventsQueue", "EventsDeadLetterQueue"):
        assert RESOURCES[name]["Properties"]["SqsManagedSseEnabled"] is True
    statement = RESOURCES["EventsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_worker_trigger_reports_batch_item_failures() -> None:
    mapping = RESOURCES["WorkerEventSource"]
    assert mapping["Type"] == "AWS::Lambda::EventSourceMapping"
    props = mapping["Properties"]
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["FunctionName"] == {"Ref": "Worker"}
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]}
    assert props["BatchSize"] == worker.BATCH_SIZE


# --- table ----------------------------------------------------------------------------------------


def test_table_matches_the_stores_key_schema_and_is_protected() -> None:
    table = RESOURCES["StoreTable"]
    props = table["Properties"]
    assert props["KeySchema"] == store.KEY_SCHEMA
    assert props["AttributeDefinitions"] == store.ATTRIBUTE_DEFINITIONS
    assert props["GlobalSecondaryIndexes"] == store.GLOBAL_SECONDARY_INDEXES
    assert props["TimeToLiveSpecification"] == {"AttributeName": store.TTL_ATTRIBUTE, "Enabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_functions_get_the_table_and_queue_through_the_variables_the_code_reads() -> None:
    assert "STORE_TABLE" in inspect.getsource(wiring.build_store)
    for logical in ("Worker", "Reconcile"):
        variables = RESOURCES[logical]["Properties"]["Environment"]["Variables"]
        assert variables["STORE_TABLE"] == {"Ref": "StoreTable"}
        assert variables["AUDIT_RETENTION_DAYS"] == {"Ref": "AuditRetentionDays"}
        assert "${SenderEmail}" in variables["NOTIFY_FROM"]["Fn::Sub"]
    assert RESOURCES["APIHandler"]["Properties"]["Environment"]["Variables"]["QUEUE_URL"] == {"Ref": "EventsQueue"}


def test_functions_and_api_are_named_after_the_stack() -> None:
    # Named for operators (console, `aws lambda`, log groups) and because moto's CloudFormation needs a
    # FunctionName (tests/deploy/test_deploy_moto.py says why this lives in the production template).
    suffixes = {"APIHandler": "api", "Worker": "worker", "Reconcile": "reconcile"}
    for logical, suffix in suffixes.items():
        assert RESOURCES[logical]["Properties"]["FunctionName"] == {"Fn::Sub": f"${{AWS::StackName}}-{suffix}"}
        group = RESOURCES[logical]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert RESOURCES[group]["Properties"]["LogGroupName"]["Fn::Sub"].endswith(f"${{AWS::StackName}}-{suffix}")
    assert RESOURCES["RestAPI"]["Properties"]["Name"] == {"Ref": "AWS::StackName"}


def test_functions_are_pinned_to_python312_with_their_own_retained_log_groups() -> None:
    for logical in FUNCTIONS.values():
        props = RESOURCES[logical]["Properties"]
        assert props["Runtime"] == "python3.12"
        group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert RESOURCES[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


# --- alarms and outputs ---------------------------------------------------------------------------


def _alarm(metric: str, namespace: str) -> dict[str, Any]:
    found = [r["Properties"] for r in RESOURCES.values() if r["Type"] == "AWS::CloudWatch::Alarm"
             and r["Properties"]["MetricName"] == metric and r["Properties"]["Namespace"] == namespace]
    assert len(found) >= 1, f"no alarm on {namespace} {metric}"
    return found[0]


def test_alarms_cover_dead_letters_worker_errors_and_webhook_errors() -> None:
    dlq = _alarm("ApproximateNumberOfMessagesVisible", "AWS/SQS")
    assert dlq["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["EventsDeadLetterQueue", "QueueName"]}
    assert dlq["Threshold"] == 1
    errors = _alarm("Errors", "AWS/Lambda")
    assert {"Name": "FunctionName", "Value": {"Ref": "Worker"}} in errors["Dimensions"]
    for metric in ("4XXError", "5XXError"):
        alarm = _alarm(metric, "AWS/ApiGateway")
        dims = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        # API Gateway names the API after the DefinitionBody title, which the template sets per stack.
        assert dims["ApiName"] == RESOURCES["RestAPI"]["Properties"]["DefinitionBody"]["info"]["title"]
        for stage in DEPLOYED_STAGES:
            assert dims["Stage"] == CONFIG["stages"][stage]["api_gateway_stage"]
    for resource in RESOURCES.values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            assert resource["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_parked_events_metric_matches_the_workers_log_message() -> None:
    pattern = RESOURCES["ParkedEventsMetric"]["Properties"]["FilterPattern"]
    source = inspect.getsource(worker)
    for message in ("event parked as a dead letter", "undecodable SQS message parked"):
        assert message in pattern and message in source


def test_webhook_url_and_parameter_names_are_outputs() -> None:
    outputs = TEMPLATE["Outputs"]
    assert outputs["WebhookUrl"]["Value"]["Fn::Sub"].endswith(f"/{CONFIG['stages']['prod']['api_gateway_stage']}/webhook")
    for stage in DEPLOYED_STAGES:
        names = provision.parameter_names(stage)
        assert outputs["PagesParameterName"]["Value"]["Fn::Sub"].replace("${Stage}", stage) == names.pages
        assert outputs["AppSecretParameterName"]["Value"]["Fn::Sub"].replace("${Stage}", stage) == names.app_secret


def test_every_reference_points_at_something_that_exists() -> None:
    known = set(RESOURCES) | set(TEMPLATE["Parameters"]) | {"Worker", "Reconcile", "APIHandler", "RestAPI"}
    pseudo = {"AWS::StackName", "AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix", "AWS::NoValue"}
    fragments = [TEMPLATE] + [_policy(f) for f in FUNCTIONS]
    for fragment in fragments:
        for ref in _refs(fragment):
            assert ref in known | pseudo, ref


# --- stages and IAM -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_deployed_stages_use_hand_written_policies_and_measured_sizes(stage: str) -> None:
    cfg = CONFIG["stages"][stage]
    assert cfg["autogen_policy"] is False
    functions = cfg["lambda_functions"]
    assert set(functions) == set(FUNCTIONS)
    for settings in functions.values():
        assert (REPO / ".chalice" / settings["iam_policy_file"]).exists()
    assert functions["worker"]["lambda_memory_size"] >= 1024
    assert functions["reconcile"]["lambda_memory_size"] >= 1024
    assert functions["api_handler"]["lambda_memory_size"] >= 256
    assert functions["worker"]["lambda_timeout"] == worker.WORKER_TIMEOUT_SECONDS
    assert functions["api_handler"]["lambda_timeout"] <= 29  # API Gateway's integration limit
    env = cfg["environment_variables"]
    names = provision.parameter_names(stage)
    assert env["PAGEGUARD_STAGE"] == stage
    assert (env["PAGES_PARAMETER"], env["APP_SECRET_PARAMETER"]) == (names.pages, names.app_secret)
    assert not {"APP_SECRET", "VERIFY_TOKEN"} & set(env)  # secrets live in SSM only


def test_local_stage_leaves_secrets_and_urls_to_the_shell() -> None:
    env = CONFIG["stages"]["local"].get("environment_variables", {})
    assert not {"APP_SECRET", "VERIFY_TOKEN", "GRAPH_API_URL", "PAGES_PARAMETER", "APP_SECRET_PARAMETER"} & set(env)


def test_policies_name_only_their_own_resources() -> None:
    allowed_wildcard = {"SendAlertsFromSenderOnly"}
    page_tokens = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/pageguard/${Stage}/page-tokens/*"
    for function in FUNCTIONS:
        for st in _statements(function):
            assert st["Effect"] == "Allow"
            actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
            assert all("*" not in a for a in actions), (function, actions)
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for resource in resources:
                assert resource != "*", (function, st["Sid"])
                if resource == {"Fn::Sub": page_tokens}:
                    continue  # one SecureString per page under the stage's own prefix
                if isinstance(resource, str) or "*" in json.dumps(resource):
                    # SES checks sender and (in the sandbox) recipient identities: identity/* limited to our sender.
                    assert st["Sid"] in allowed_wildcard, (function, st["Sid"], resource)
                    assert st["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SenderEmail"}}}


def test_each_function_gets_only_what_it_needs() -> None:
    api, work, recon = _actions("api_handler"), _actions("worker"), _actions("reconcile")
    # The console reads the audit log and keeps settings and used links; the data-deletion callback
    # (POST /data-deletion) erases a user's records and keeps a receipt; the connect flow puts page tokens.
    assert api == {"logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage", "ssm:GetParameter",
                   "ssm:PutParameter", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"}
    assert not any(a.startswith("ses:") for a in api)
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage"} <= work and "sqs:SendMessage" not in work
    assert not any(a.startswith("sqs:") for a in recon)
    for actions in (work, recon):
        # No Query: only the operator's CLI lists the table (audit, replay-dlq).
        assert {a for a in actions if a.startswith("dynamodb:")} == {
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    # The API handler can read the app secret but not the pages (with their access tokens).
    api_ssm = [st for st in _statements("api_handler") if st["Action"] == ["ssm:GetParameter"]][0]
    assert api_ssm["Resource"]["Fn::Sub"].endswith("/pageguard/${Stage}/app-secret")


def test_the_api_role_may_put_page_tokens_but_never_read_them() -> None:
    # The connect callback writes each page's token; only the worker and reconcile roles read tokens.
    reads = {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}
    for st in _statements("api_handler"):
        actions = set([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
        resources = json.dumps(st["Resource"])
        if actions & reads:
            assert "page-tokens" not in resources and "/pages\"" not in resources, st["Sid"]
        if "page-tokens" in resources:
            assert actions == {"ssm:PutParameter"}, st["Sid"]
    assert any("page-tokens" in json.dumps(st["Resource"]) for st in _statements("api_handler"))
    for function in ("worker", "reconcile"):
        readers = [st for st in _statements(function) if "ssm:GetParameter" in st["Action"]]
        assert any("page-tokens/*" in json.dumps(st["Resource"]) for st in readers), function
        assert not any("ssm:PutParameter" in st["Action"] for st in _statements(function)), function


def test_each_function_writes_only_its_own_log_group() -> None:
    groups = {"api_handler": "ApiHandlerLogGroup", "worker": "WorkerLogGroup", "reconcile": "ReconcileLogGroup"}
    for function, group in groups.items():
        logs = [st for st in _statements(function) if st["Sid"] == "WriteOwnLogs"][0]
        assert logs["Resource"] == {"Fn::GetAtt": [group, "Arn"]}


# --- the merged template (chalice package, no vendored dependencies) -------------------------------


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("merged")
    project = root / "project"
    (project / ".chalice").mkdir(parents=True)
    shutil.copy2(REPO / "app.py", project / "app.py")
    shutil.copytree(REPO / "chalicelib", project / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in package.CHALICE_FILES:
        shutil.copy2(REPO / ".chalice" / name, project / ".chalice" / name)
    (project / "requirements.txt").write_text("")
    out = root / "out"
    out.mkdir()
    merge = package.merge_template("prod", out)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "--project-dir", str(project), "package", "--stage", "prod", "--merge-template",
                    str(merge), str(out)], check=True, env=package.aws_free_env("prod"), capture_output=True)
    return {"path": out / "sam.json", "template": json.loads((out / "sam.json").read_text())}


def test_merged_template_wires_each_function_to_its_role_and_policy(merged: dict[str, Any]) -> None:
    resources = merged["template"]["Resources"]
    assert merged["template"]["Parameters"]["Stage"] == {**TEMPLATE["Parameters"]["Stage"], "Default": "prod",
                                                         "AllowedValues": ["prod"]}
    for function, logical in FUNCTIONS.items():
        props = resources[logical]["Properties"]
        role = props["Role"]["Fn::GetAtt"][0]
        assert resources[role]["Properties"]["Policies"][0]["PolicyDocument"] == _policy(function)
        assert props["MemorySize"] == CONFIG["stages"]["prod"]["lambda_functions"][function]["lambda_memory_size"]
        assert props["Environment"]["Variables"]["PAGEGUARD_STAGE"] == "prod"
    assert resources["Worker"]["Properties"]["Handler"] == "app.worker"
    assert "DefaultRole" not in resources  # no role with Chalice's generated policy
    assert merged["template"]["Outputs"]["WebhookUrl"]


def test_merged_template_passes_cfn_lint(merged: dict[str, Any]) -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(merged["path"])], capture_output=True, text=True,
                            env=package.aws_free_env("lint"))
    assert result.returncode == 0, result.stdout + result.stderr


# --- packaging helpers ----------------------------------------------------------------------------


def test_trim_keeps_metadata_and_drops_tests_sources_and_phone_geodata(tmp_path: Path) -> None:
    for rel in ("spacy/tests/test_x.py", "spacy/tokens/doc.pyx", "spacy/tokens/doc.pxd", "spacy/__init__.py",
                "spacy-3.7.5.dist-info/METADATA", "phonenumbers/geodata/data0.py", "phonenumbers/__init__.py",
                "setuptools/__init__.py", "pkg_resources/__init__.py", "boto3/__init__.py", "numpy/core/include/x.h",
                "pygments/__init__.py", "six.py"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n")
    package.trim(tmp_path)
    left = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {"spacy/__init__.py", "spacy-3.7.5.dist-info/METADATA", "phonenumbers/__init__.py", "six.py"}


def test_zip_report_sums_uncompressed_sizes(tmp_path: Path) -> None:
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("app.py", "x" * 1000)
        zf.writestr("__pycache__/app.cpython-312.pyc", b"\0" * 500)
        zf.writestr("numpy/core.py", "y" * 3000)
    report = package.zip_report(path)
    assert report["unzipped_bytes"] == 4500 and report["files"] == 3
    assert report["largest"][0] == ("numpy", 3000)
    assert (report["py_files"], report["pyc_files"]) == (2, 1)


def test_packaging_never_sees_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA-should-not-pass")
    monkeypatch.setenv("AWS_PROFILE", "someone")
    env = package.aws_free_env("prod")
    assert "AWS_ACCESS_KEY_ID" not in env and "AWS_PROFILE" not in env
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"


# --- deploy ---------------------------------------------------------------------------------------


def _sam(stage: str = "prod") -> dict[str, Any]:
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {"Stage": {"Type": "String", "AllowedValues": [stage]}},
        "Resources": {
            "Worker": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "./deployment.zip"}},
            "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "./deployment.zip"}},
            "StoreTable": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        },
    }


def test_deploy_points_every_function_at_the_uploaded_zip() -> None:
    template = _sam()
    packaged = deploy.rewrite_code_uris(template, "bucket-1", "pageguard/prod/deployment-abc.zip")
    for name in ("Worker", "APIHandler"):
        assert packaged["Resources"][name]["Properties"]["CodeUri"] == {"Bucket": "bucket-1", "Key": "pageguard/prod/deployment-abc.zip"}
    assert template["Resources"]["Worker"]["Properties"]["CodeUri"] == "./deployment.zip"  # input untouched


def test_deploy_refuses_a_build_for_another_stage(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "sam.json").write_text(json.dumps(_sam("prod")))
    (tmp_path / "dev" / "deployment.zip").write_bytes(b"PK")
    with pytest.raises(deploy.DeployError, match="packaged for stage"):
        deploy.load_build("dev", tmp_path)
    with pytest.raises(deploy.DeployError, match="make package"):
        deploy.load_build("prod", tmp_path)


def test_new_stack_needs_the_sender_email_and_updates_reuse_previous_values() -> None:
    template = {"Parameters": {"Stage": {"Type": "String"}, "SenderEmail": {"Type": "String"},
                               "AlarmEmail": {"Type": "String", "Default": ""}}}
    with pytest.raises(deploy.DeployError, match="SenderEmail"):
        deploy.stack_parameters(template, {"Stage": "prod", "SenderEmail": None}, updating=False)
    assert deploy.stack_parameters(template, {"Stage": "prod"}, updating=True) == [
        {"ParameterKey": "Stage", "ParameterValue": "prod"},
        {"ParameterKey": "SenderEmail", "UsePreviousValue": True},
        {"ParameterKey": "AlarmEmail", "UsePreviousValue": True},
    ]


def test_deploy_creates_then_updates_the_stack_through_change_sets(moto_server: str) -> None:
    from tests.aws_fixtures import aws_client

    cfn = aws_client("cloudformation", moto_server)
    template = {
        "Parameters": {"Stage": {"Type": "String", "AllowedValues": ["prod"]}, "SenderEmail": {"Type": "String"}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}}},
    }
    params = {"Stage": "prod", "SenderEmail": "alerts@practice.test"}
    deploy.deploy_template(cfn, stack_name="pageguard-test-deploy", template=template, parameters=params, waiter_delay=1)
    stack = cfn.describe_stacks(StackName="pageguard-test-deploy")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    # Unchanged template and no new parameters: nothing to do, no error.
    deploy.deploy_template(cfn, stack_name="pageguard-test-deploy", template=template, parameters={"Stage": "prod"},
                           waiter_delay=1)
    template["Resources"]["Queue"]["Properties"]["VisibilityTimeout"] = 60
    deploy.deploy_template(cfn, stack_name="pageguard-test-deploy", template=template, parameters={"Stage": "prod"},
                           waiter_delay=1)
    stack = cfn.describe_stacks(StackName="pageguard-test-deploy")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}["SenderEmail"] == "alerts@practice.test"


def test_deploy_uploads_the_zip_once(moto_server: str, tmp_path: Path) -> None:
    from tests.aws_fixtures import aws_client

    s3 = aws_client("s3", moto_server)
    deploy.ensure_bucket(s3, "pageguard-artifacts-test", "us-east-1", create=True, owner="123456789012")
    assert s3.get_public_access_block(Bucket="pageguard-artifacts-test")["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]
    zip_path = tmp_path / "deployment.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    deploy.upload_if_missing(s3, "pageguard-artifacts-test", "pageguard/prod/deployment-x.zip", zip_path,
                             owner="123456789012")
    head = s3.head_object(Bucket="pageguard-artifacts-test", Key="pageguard/prod/deployment-x.zip")
    assert head["ServerSideEncryption"] == "AES256"
    deploy.upload_if_missing(s3, "pageguard-artifacts-test", "pageguard/prod/deployment-x.zip", zip_path,
                             owner="123456789012")
    with pytest.raises(deploy.DeployError):
        deploy.ensure_bucket(s3, "someone-elses-bucket", "us-east-1", create=False, owner="123456789012")


def test_a_webhook_flood_is_throttled_and_cannot_starve_the_worker(merged: dict[str, Any]) -> None:
    resources = merged["template"]["Resources"]
    settings = resources["RestAPI"]["Properties"]["MethodSettings"]
    assert {"ResourcePath": "/*", "HttpMethod": "*"}.items() <= settings[0].items()
    assert settings[0]["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}
    assert settings[0]["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurstLimit"}
    for function, parameter in (("APIHandler", "ApiReservedConcurrency"), ("Worker", "WorkerReservedConcurrency")):
        reserved = resources[function]["Properties"]["ReservedConcurrentExecutions"]
        assert reserved["Fn::If"][1] == {"Ref": parameter}
        assert merged["template"]["Parameters"][parameter]["Default"] > 0


# --- SES sender domain ----------------------------------------------------------------------------


def test_a_sender_domain_gets_easy_dkim_a_custom_mail_from_and_replaces_the_address_identity() -> None:
    identity = RESOURCES["SenderDomainIdentity"]
    assert identity["Condition"] == "HasSenderDomain"
    props = identity["Properties"]
    assert props["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
    assert props["MailFromAttributes"]["MailFromDomain"] == {"Fn::Sub": "bounce.${SenderDomain}"}
    # Never refuse an alert because a DNS record is missing: fall back to amazonses.com.
    assert props["MailFromAttributes"]["BehaviorOnMxFailure"] == "USE_DEFAULT_VALUE"
    address_condition = TEMPLATE["Conditions"]["ShouldCreateSenderIdentity"]["Fn::And"]
    assert {"Fn::Equals": [{"Ref": "SenderDomain"}, ""]} in address_condition
    for i in (1, 2, 3):
        assert TEMPLATE["Outputs"][f"DkimRecord{i}"]["Condition"] == "HasSenderDomain"


def test_deploy_refuses_a_sender_off_its_domain_and_lists_the_dns_records() -> None:
    deploy.check_sender_on_domain("alerts@harbor.example", "harbor.example")
    deploy.check_sender_on_domain("alerts@harbor.example", None)
    with pytest.raises(deploy.DeployError, match="not on --sender-domain"):
        deploy.check_sender_on_domain("alerts@gmail.com", "harbor.example")
    outputs = {"DkimRecord2": "b CNAME y", "DkimRecord1": "a CNAME x", "MailFromMxRecord": "m MX 10 f",
               "WebhookUrl": "https://x"}
    assert deploy.dns_records(outputs) == ["a CNAME x", "b CNAME y", "m MX 10 f"]


def test_functions_reach_only_the_keys_they_use(moto_server: str, tmp_path: Path, fake_graph: Any) -> None:
    """dynamodb:LeadingKeys: the worker and reconcile may touch only PageGuard's own key prefixes. Every key a
    full pipeline run writes on DynamoDB (moto) must match the worker's patterns, and nothing else may."""
    import fnmatch
    import time
    import uuid

    import boto3

    from tests.aws_fixtures import aws_client
    from tests.pipeline_kit import CRISIS_TEXT, SENSITIVE_TEXT, dm, fb_comment, make_kit

    patterns = {}
    for function in ("worker", "reconcile"):
        [st] = [st for st in _statements(function) if st["Sid"] == "StoreAuditAndIdempotency"]
        assert st["Resource"] == {"Fn::GetAtt": ["StoreTable", "Arn"]}  # the table only, no index
        patterns[function] = st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        assert all(p.endswith("#*") and "*" not in p[:-1] for p in patterns[function])
    resource = boto3.resource("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
    table = store.DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
    dynamo = store.DynamoStore(table, client=aws_client("dynamodb", moto_server))
    kit = make_kit(fake_graph, tmp_path, store=dynamo)
    for event in (fb_comment(SENSITIVE_TEXT), fb_comment(CRISIS_TEXT), dm(SENSITIVE_TEXT)):
        kit.pipeline.handle(event)
    dynamo.park(dm(SENSITIVE_TEXT), "NotifierError", 5)
    dynamo.mark_recipient("dr@example.test", "bounce", time.time())  # SES feedback, handled by the worker
    keys = [item[store.TABLE_PARTITION_KEY] for item in table.scan()["Items"]]
    table.delete()
    prefixes = {k.split("#", 1)[0] for k in keys}
    # "once" is the send markers only ("once#send#..."); sign-in links' claims stay out of the worker's reach
    assert prefixes == {"audit", "dm", "ours", "ver", "dlq", "rcpt", "pageguard.step", "once"}
    assert all(k.startswith("once#send#") for k in keys if k.startswith("once#"))
    for key in keys:
        assert any(fnmatch.fnmatchcase(key, p) for p in patterns["worker"]), key
    assert not any(fnmatch.fnmatchcase("anything-else", p) for p in patterns["worker"])
    assert "dlq#*" not in patterns["reconcile"]  # reconcile never parks


def test_alert_bounces_and_complaints_reach_the_worker_and_raise_an_alarm() -> None:
    from chalicelib.act.notifier import EMAIL_REFUSED_LOG
    from chalicelib.ingest.email_feedback import RECIPIENT_MARKED_LOG

    # SES publishes the alert configuration set's bounces and complaints to the feedback topic...
    destination = RESOURCES["AlertsFeedbackDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "AlertsConfigurationSet"}
    assert sorted(destination["EventDestination"]["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert destination["EventDestination"]["SnsDestination"] == {"TopicARN": {"Ref": "EmailFeedbackTopic"}}
    # ...which delivers them, raw, onto the events queue the worker drains, with the queue's permission
    subscription = RESOURCES["EmailFeedbackSubscription"]["Properties"]
    assert subscription["TopicArn"] == {"Ref": "EmailFeedbackTopic"} and subscription["Protocol"] == "sqs"
    assert subscription["Endpoint"] == {"Fn::GetAtt": ["EventsQueue", "Arn"]} and subscription["RawMessageDelivery"]
    [allow] = [st for st in RESOURCES["EventsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
               if st["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "sns.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "EmailFeedbackTopic"}}}
    # every function that sends alerts sends them through that configuration set, and may
    for logical, function in (("Worker", "worker"), ("Reconcile", "reconcile")):
        env = RESOURCES[logical]["Properties"]["Environment"]["Variables"]
        assert env["SES_CONFIGURATION_SET"] == {"Ref": "AlertsConfigurationSet"}
        [ses] = [st for st in _statements(function) if st["Sid"] == "SendAlertsFromSenderOnly"]
        assert any("configuration-set/${AlertsConfigurationSet}" in json.dumps(r) for r in ses["Resource"])
    # and the alarm counts the lines the code logs
    assert EMAIL_REFUSED_LOG in RESOURCES["EmailProblemsMetric"]["Properties"]["FilterPattern"]
    assert RECIPIENT_MARKED_LOG in RESOURCES["EmailProblemsMetric"]["Properties"]["FilterPattern"]
    assert EMAIL_REFUSED_LOG in RESOURCES["ReconcileEmailProblemsMetric"]["Properties"]["FilterPattern"]
    assert RESOURCES["EmailProblemsAlarm"]["Properties"]["MetricName"] == "EmailProblems"


def test_the_configuration_set_reaches_ses(moto_server: str) -> None:
    from chalicelib.act.notifier import SesNotifier
    from chalicelib.config import Settings

    settings = Settings.from_env({"PAGEGUARD_STAGE": "prod", "SES_CONFIGURATION_SET": "pageguard-prod-alerts"})
    notifier = SesNotifier.from_settings(settings)
    assert notifier._configuration_set == "pageguard-prod-alerts"
