"""`doctor --stage prod`: check a deployment end to end and say, in plain words, what to fix.

Each check gives one or more findings: ok, warn (works, but worth doing) or fail (something PageGuard needs is
missing). The exit code is 1 when anything failed. Nothing is changed, except that `--send-test-alert` sends
one short email from the alert sender to each page's notify_email.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, TextIO

import requests

from chalicelib.act.graph import HttpGraphClient
from chalicelib.config import PagesConfig, PageSettings
from chalicelib.errors import GraphError
from ops.subscription import PAGE_FIELDS, check_page, explain_error

OK, WARN, FAIL = "ok", "warn", "FAIL"
HEALTHY_STACK = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
# What each Graph call PageGuard makes needs (docs/deploy.md, "Permissions to request").
PAGE_PERMISSIONS = ("pages_show_list", "pages_manage_metadata", "pages_read_engagement", "pages_read_user_content",
                    "pages_manage_engagement", "pages_messaging")
INSTAGRAM_PERMISSIONS = ("instagram_basic", "instagram_manage_comments", "instagram_manage_messages")


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # OK, WARN or FAIL
    detail: str
    fix: str = ""


@dataclass
class Deployment:
    """What the checks read: the stack and the AWS clients for its account (boto3 or moto's server in tests)."""

    stack_name: str
    cloudformation: Any
    sesv2: Any
    sns: Any
    sqs: Any
    pages: Callable[[], PagesConfig]
    app_secret: str = ""
    verify_token: str = ""
    graph: HttpGraphClient | None = None
    app_id: str = ""
    http: Any = field(default_factory=requests.Session)
    stack: dict[str, Any] = field(default_factory=dict)

    @property
    def outputs(self) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.stack.get("Outputs", [])}

    @property
    def parameters(self) -> dict[str, str]:
        return {p["ParameterKey"]: p.get("ParameterValue", "") for p in self.stack.get("Parameters", [])}


def check_stack(d: Deployment) -> list[Finding]:
    try:
        d.stack = d.cloudformation.describe_stacks(StackName=d.stack_name)["Stacks"][0]
    except Exception as exc:  # ClientError "does not exist", no credentials, no network
        return [Finding("stack", FAIL, f"stack {d.stack_name} not found ({type(exc).__name__})",
                        "deploy it: make deploy STAGE=... (docs/deploy.md step 3), or pass --stack-name/--region")]
    status = d.stack["StackStatus"]
    if status in HEALTHY_STACK:
        return [Finding("stack", OK, f"{d.stack_name} is {status}")]
    return [Finding("stack", FAIL, f"{d.stack_name} is {status}",
                    "open CloudFormation > Stacks > Events for the failed resource, fix it, then deploy again")]


def check_webhook(d: Deployment) -> list[Finding]:
    url = d.outputs.get("WebhookUrl")
    if not url:
        return [Finding("webhook", FAIL, "the stack has no WebhookUrl output", "deploy the current template")]
    challenge = secrets.token_hex(8)
    try:
        response = d.http.get(url, params={"hub.mode": "subscribe", "hub.verify_token": d.verify_token,
                                           "hub.challenge": challenge}, timeout=10)
    except requests.RequestException as exc:
        return [Finding("webhook", FAIL, f"{url} is not reachable ({type(exc).__name__})",
                        "check the API Gateway stage exists and your network reaches it")]
    if response.status_code == 200 and response.text == challenge:
        return [Finding("webhook", OK, f"{url} answers Meta's handshake with the stored verify token")]
    if response.status_code == 403:
        return [Finding("webhook", FAIL, f"{url} refused the stored verify token",
                        "run setup again so the functions and Meta use the same verify token")]
    return [Finding("webhook", FAIL, f"{url} answered {response.status_code} to the handshake",
                    "read the API function's log group for the error")]


def _permissions(d: Deployment, page: PageSettings) -> list[Finding]:
    if not (d.graph and d.app_id and d.app_secret):
        return [Finding(f"page {page.page_id} permissions", WARN, "not checked (needs --app-id and the app secret)",
                        "pass --app-id to check the token's permissions")]
    app_token = replace(page, access_token=f"{d.app_id}|{d.app_secret}")
    try:
        data = d.graph.request(app_token, "GET", "/debug_token", op="debug_token",
                               params={"input_token": page.access_token}).get("data", {})
    except GraphError as exc:
        return [Finding(f"page {page.page_id} permissions", FAIL, f"could not read the token's permissions: "
                        f"{explain_error(exc)}", "check --app-id and the app secret stored by setup")]
    needed = PAGE_PERMISSIONS + (INSTAGRAM_PERMISSIONS if page.instagram_id else ())
    missing = [p for p in needed if p not in set(data.get("scopes") or ())]
    if not data.get("is_valid"):
        return [Finding(f"page {page.page_id} permissions", FAIL, "Meta says the Page token is not valid",
                        "generate a new Page token (docs/deploy.md step 4.5) and run setup --pages-only")]
    if missing:
        return [Finding(f"page {page.page_id} permissions", FAIL, f"the token lacks {', '.join(missing)}",
                        "generate a new token with those permissions ticked, then run setup --pages-only")]
    return [Finding(f"page {page.page_id} permissions", OK, f"token valid with all {len(needed)} permissions")]


def check_pages(d: Deployment) -> list[Finding]:
    try:
        pages = d.pages().pages
    except Exception as exc:
        return [Finding("pages", FAIL, f"the pages configuration could not be read ({type(exc).__name__})",
                        "run setup --stage ... --pages-file ... (docs/deploy.md step 5)")]
    if not pages:
        return [Finding("pages", FAIL, "no page is configured", "run setup with your pages file")]
    if d.graph is None:
        return [Finding("pages", WARN, f"{len(pages)} page(s) configured; Graph checks skipped")]
    findings: list[Finding] = []
    for page in pages:
        name = f"page {page.page_id}"
        try:
            result = check_page(d.graph, page, app_id=d.app_id)
        except GraphError as exc:
            findings.append(Finding(f"{name} token", FAIL, explain_error(exc),
                                    "generate a new Page token and run setup --pages-only"))
            continue
        if result.missing_fields:
            findings.append(Finding(f"{name} webhooks", FAIL, f"not subscribed to {', '.join(result.missing_fields)}",
                                    f"run subscribe --stage ... (needs {', '.join(PAGE_FIELDS)})"))
        else:
            findings.append(Finding(f"{name} webhooks", OK, f"subscribed to {', '.join(result.subscribed_fields)}"))
        findings += [Finding(f"{name} instagram", FAIL, problem, "link the Instagram account to the Page, or fix "
                             "instagram_id and run setup") for problem in result.problems]
        findings += _permissions(d, page)
    return findings


def _sender(d: Deployment) -> tuple[str, str]:
    params = d.parameters
    return params.get("SenderEmail", ""), params.get("SenderDomain", "")


def check_email(d: Deployment) -> list[Finding]:
    sender, domain = _sender(d)
    identity_name = domain or sender
    findings: list[Finding] = []
    try:
        account = d.sesv2.get_account()
    except Exception as exc:
        account = None
        findings.append(Finding("ses sandbox", WARN, f"could not read the SES account ({type(exc).__name__})",
                                "SES console > Account dashboard shows whether you are in the sandbox"))
    if account is None:
        pass
    elif account.get("ProductionAccessEnabled"):
        findings.append(Finding("ses sandbox", OK, "out of the sandbox: alerts reach any address"))
    else:
        findings.append(Finding("ses sandbox", FAIL, "SES is in the sandbox: alerts reach verified addresses only",
                                "SES console > Account dashboard > Request production access (about a day)"))
    try:
        identity = d.sesv2.get_email_identity(EmailIdentity=identity_name)
    except Exception:
        return findings + [Finding("ses identity", FAIL, f"{identity_name} is not an SES identity in this region",
                                   "deploy with SENDER_DOMAIN (or SENDER_EMAIL) so the stack creates it")]
    if identity.get("VerifiedForSendingStatus"):
        findings.append(Finding("ses identity", OK, f"{identity_name} is verified for sending"))
    else:
        how = "add the DKIM records below to DNS" if domain else f"click the link SES emailed to {sender}"
        findings.append(Finding("ses identity", FAIL, f"{identity_name} is not verified yet", how))
    if domain:
        dkim = identity.get("DkimAttributes", {})
        records = [f"{t}._domainkey.{domain} CNAME {t}.dkim.amazonses.com" for t in dkim.get("Tokens", [])]
        if dkim.get("Status") == "SUCCESS":
            findings.append(Finding("dkim", OK, "SES found the DKIM records; alerts are signed"))
        else:
            findings.append(Finding("dkim", FAIL, f"DKIM status {dkim.get('Status', 'unknown')}: SES has not found "
                                    "the records yet (DNS can take up to 72 hours)", "add: " + "; ".join(records)))
        mail_from = identity.get("MailFromAttributes", {})
        if mail_from.get("MailFromDomainStatus") != "SUCCESS":
            findings.append(Finding("mail from", WARN, f"custom MAIL FROM {mail_from.get('MailFromDomain', '')} not "
                                    "found in DNS: alerts go out from amazonses.com meanwhile",
                                    "add the MailFromMxRecord and MailFromSpfRecord stack outputs to DNS"))
        else:
            findings.append(Finding("mail from", OK, f"custom MAIL FROM {mail_from['MailFromDomain']} in use"))
    else:
        findings.append(Finding("dkim", WARN, "no sender domain: alerts are not DKIM-signed by your domain and may "
                                "land in spam", "deploy with SENDER_DOMAIN=your-practice.com (docs/deploy.md)"))
    return findings


def check_alarms(d: Deployment) -> list[Finding]:
    topic = d.outputs.get("AlarmTopicArn")
    if not topic:
        return [Finding("alarms", FAIL, "the stack has no alarm topic", "deploy the current template")]
    subs = d.sns.list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions", [])
    confirmed = [s for s in subs if s.get("SubscriptionArn", "").startswith("arn:")]
    if confirmed:
        return [Finding("alarms", OK, f"{len(confirmed)} confirmed subscriber(s) to the alarm topic")]
    if subs:
        return [Finding("alarms", FAIL, "the alarm subscription is not confirmed", "click the link SNS emailed")]
    return [Finding("alarms", FAIL, "nobody receives alarms", "deploy with ALARM_EMAIL=you@your-practice.com")]


def check_dead_letters(d: Deployment, parked: Callable[[], int]) -> list[Finding]:
    url = d.outputs.get("DeadLetterQueueUrl", "")
    waiting = int(d.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                  ["Attributes"]["ApproximateNumberOfMessages"]) if url else 0
    count = waiting + parked()
    if count:
        return [Finding("dead letters", FAIL, f"{count} event(s) gave up and wait: comments or DMs not moderated",
                        "fix the cause in the alarm email or logs, then: python -m ops.cli replay-dlq --stage ...")]
    return [Finding("dead letters", OK, "none waiting")]


def send_test_alert(d: Deployment) -> list[Finding]:
    sender, _ = _sender(d)
    findings = []
    for page in d.pages().pages:
        try:
            d.sesv2.send_email(FromEmailAddress=f"PageGuard <{sender}>",
                               Destination={"ToAddresses": [page.notify_email]},
                               Content={"Simple": {"Subject": {"Data": "PageGuard test alert"}, "Body": {"Text": {
                                   "Data": f"This is a test from `doctor` for {page.name}. Real alerts look like "
                                           "this one arrives: check it is not in spam."}}}})
            findings.append(Finding(f"test alert {page.page_id}", OK, f"sent to {page.notify_email}"))
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            findings.append(Finding(f"test alert {page.page_id}", FAIL, f"SES refused it ({code})",
                                    "see the ses findings above"))
    return findings


def run_checks(d: Deployment, *, parked: Callable[[], int], test_alert: bool = False) -> list[Finding]:
    findings = check_stack(d)
    if findings[0].status == FAIL:
        return findings
    for check in (check_webhook, check_pages, check_email, check_alarms):
        findings += check(d)
    findings += check_dead_letters(d, parked)
    if test_alert:
        findings += send_test_alert(d)
    return findings


def report(findings: Iterable[Finding], out: TextIO) -> int:
    failed = 0
    for f in findings:
        failed += f.status == FAIL
        out.write(f"[{f.status:>4}] {f.check}: {f.detail}\n")
        if f.fix and f.status != OK:
            out.write(f"       fix: {f.fix}\n")
    out.write("all checks passed\n" if not failed else f"{failed} check(s) failed\n")
    return 1 if failed else 0
