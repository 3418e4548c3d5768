"""`doctor`: every check against moto's server (stack, SES, SNS, SQS), the fake Graph API, and the real app's
webhook served by Chalice's local server on loopback."""

from __future__ import annotations

import io
import json
from typing import Iterator

import pytest
from chalicelib import wiring
from chalicelib.act.graph import HttpGraphClient
from chalicelib.config import PagesConfig, Settings
from ops import doctor
from tests.aws_fixtures import aws_client
from tests.chalice_server import serve_app
from tests.conftest import TEST_SECRET, TEST_VERIFY_TOKEN
from tests.fake_graph import FakeGraph, ScriptedResponse

DOMAIN = "harbor.test"
PAGE = {"page_id": "104857600123456", "name": "Harbor Counselling", "access_token": "EAAG-page-token",
        "notify_email": "you@harbor.test", "contact_reply": "Call 555-0100."}


@pytest.fixture(scope="module")
def webhook_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings.from_env({"PAGEGUARD_STAGE": "local", "APP_SECRET": TEST_SECRET,
                                  "VERIFY_TOKEN": TEST_VERIFY_TOKEN,
                                  "STORE_PATH": str(tmp_path_factory.mktemp("doctor") / "s.sqlite3")})
    with serve_app(wiring.Deps(settings=settings)) as base:
        yield f"{base}/webhook"


def _stack(moto_server: str, name: str, webhook_url: str, *, alarm_email: str) -> None:
    template = {
        "Parameters": {"SenderEmail": {"Type": "String"}, "SenderDomain": {"Type": "String"},
                       "WebhookUrl": {"Type": "String"}},
        "Resources": {
            "AlarmTopic": {"Type": "AWS::SNS::Topic"},
            "EventsDeadLetterQueue": {"Type": "AWS::SQS::Queue"},
        },
        "Outputs": {"WebhookUrl": {"Value": {"Ref": "WebhookUrl"}}, "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
                    "DeadLetterQueueUrl": {"Value": {"Ref": "EventsDeadLetterQueue"}}},
    }
    cfn = aws_client("cloudformation", moto_server)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Parameters=[
        {"ParameterKey": "SenderEmail", "ParameterValue": f"alerts@{DOMAIN}"},
        {"ParameterKey": "SenderDomain", "ParameterValue": DOMAIN},
        {"ParameterKey": "WebhookUrl", "ParameterValue": webhook_url}])
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    if alarm_email:
        aws_client("sns", moto_server).subscribe(TopicArn=outputs["AlarmTopicArn"], Protocol="email",
                                                 Endpoint=alarm_email)


def _deployment(moto_server: str, fake_graph: FakeGraph, name: str, *, verify_token: str = TEST_VERIFY_TOKEN,
                app_id: str = "") -> doctor.Deployment:
    return doctor.Deployment(
        stack_name=name, cloudformation=aws_client("cloudformation", moto_server),
        sesv2=aws_client("sesv2", moto_server), sns=aws_client("sns", moto_server),
        sqs=aws_client("sqs", moto_server), pages=lambda: PagesConfig.from_json(json.dumps({"pages": [PAGE]})),
        app_secret=TEST_SECRET, verify_token=verify_token, graph=HttpGraphClient(fake_graph.url, app_secret=TEST_SECRET),
        app_id=app_id)


def _statuses(findings: list[doctor.Finding]) -> dict[str, str]:
    return {f.check: f.status for f in findings}


def test_a_healthy_deployment_passes_every_check_and_sends_the_test_alert(
        moto_server: str, fake_graph: FakeGraph, webhook_url: str) -> None:
    name = "pageguard-doctor-ok"
    _stack(moto_server, name, webhook_url, alarm_email="ops@harbor.test")
    sesv2 = aws_client("sesv2", moto_server)
    sesv2.create_email_identity(EmailIdentity=DOMAIN, DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"})
    aws_client("ses", moto_server).set_identity_mail_from_domain(Identity=DOMAIN, MailFromDomain=f"bounce.{DOMAIN}")
    fake_graph.script("GET", rf"/{PAGE['page_id']}/subscribed_apps", ScriptedResponse(
        200, {"data": [{"id": "777", "subscribed_fields": ["feed", "messages", "message_echoes"]}]}, {}))
    fake_graph.script("GET", r"/debug_token", ScriptedResponse(
        200, {"data": {"is_valid": True, "scopes": list(doctor.PAGE_PERMISSIONS)}}, {}))

    findings = doctor.run_checks(_deployment(moto_server, fake_graph, name, app_id="777"), parked=lambda: 0,
                                 test_alert=True)
    out = io.StringIO()
    code = doctor.report(findings, out)

    statuses = _statuses(findings)
    failed = {k: v for k, v in statuses.items() if v == doctor.FAIL}
    # moto has no DNS, so it never verifies a domain: the one failure, and it names the fix.
    assert failed == {"ses identity": doctor.FAIL}, out.getvalue()
    assert "harbor.test is not verified yet" in out.getvalue()
    for check in ("stack", "webhook", f"page {PAGE['page_id']} webhooks", f"page {PAGE['page_id']} permissions",
                  "alarms", "dead letters", f"test alert {PAGE['page_id']}"):
        assert statuses[check] == doctor.OK, out.getvalue()
    assert code == 1
    assert statuses["ses sandbox"] == doctor.WARN  # moto 5.2.5 has no SES v2 GetAccount: said, not guessed
    # The token's permissions were read with the app token, the Page token only as input_token.
    debug = fake_graph.requests_for("GET", "/debug_token")[0]
    assert debug.token == f"777|{TEST_SECRET}" and debug.query["input_token"] == PAGE["access_token"]


def test_each_problem_is_named_with_its_fix_and_fails_the_run(
        moto_server: str, fake_graph: FakeGraph, webhook_url: str) -> None:
    name = "pageguard-doctor-bad"
    _stack(moto_server, name, webhook_url, alarm_email="")
    fake_graph.fail("GET", rf"/{PAGE['page_id']}/subscribed_apps", status=400, code=190)
    queue = aws_client("cloudformation", moto_server).describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    dlq = [o["OutputValue"] for o in queue if o["OutputKey"] == "DeadLetterQueueUrl"][0]
    aws_client("sqs", moto_server).send_message(QueueUrl=dlq, MessageBody="{}")

    findings = doctor.run_checks(_deployment(moto_server, fake_graph, name, verify_token="wrong-token"),
                                 parked=lambda: 2)
    out = io.StringIO()
    assert doctor.report(findings, out) == 1
    text = out.getvalue()
    statuses = _statuses(findings)
    assert statuses["webhook"] == doctor.FAIL and "refused the stored verify token" in text
    assert statuses[f"page {PAGE['page_id']} token"] == doctor.FAIL and "run setup --pages-only" in text
    assert statuses["alarms"] == doctor.FAIL and "ALARM_EMAIL" in text
    assert statuses["dead letters"] == doctor.FAIL and "3 event(s)" in text and "replay-dlq" in text
    assert PAGE["access_token"] not in text


def test_a_missing_stack_stops_with_what_to_do(moto_server: str, fake_graph: FakeGraph) -> None:
    findings = doctor.run_checks(_deployment(moto_server, fake_graph, "pageguard-nowhere"), parked=lambda: 0)
    assert [(f.check, f.status) for f in findings] == [("stack", doctor.FAIL)]
    assert "make deploy" in findings[0].fix


def test_an_unverified_domain_prints_the_dkim_records_to_add(moto_server: str, fake_graph: FakeGraph) -> None:
    name = "pageguard-doctor-dkim"
    _stack(moto_server, name, "http://127.0.0.1:9/webhook", alarm_email="")
    d = _deployment(moto_server, fake_graph, name)
    doctor.check_stack(d)
    aws_client("sesv2", moto_server).create_email_identity(EmailIdentity=DOMAIN)
    findings = {f.check: f for f in doctor.check_email(d)}
    dkim = findings["dkim"]
    if dkim.status == doctor.FAIL:  # moto leaves an identity without signing attributes NOT_STARTED
        assert "._domainkey.harbor.test CNAME" in dkim.fix or "add:" in dkim.fix
    assert findings["mail from"].status == doctor.WARN
