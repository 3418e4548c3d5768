"""Deploy a packaged PageGuard stage (build/<stage>/ from scripts/package.py) with CloudFormation, via S3.

The zip is over Lambda's 50 MiB direct-upload limit, so it goes to an S3 bucket in the practice's own
account and the template's CodeUri is rewritten to point there (what `aws cloudformation package` does),
then a change set creates or updates the stack (SAM transform: CAPABILITY_IAM + CAPABILITY_AUTO_EXPAND).
Uses boto3 only; no AWS CLI needed. Credentials come from the usual places (AWS_PROFILE, SSO, env).

    python scripts/deploy.py --stage prod --sender-email alerts@practice.example [--alarm-email ...]
    (`make deploy STAGE=prod SENDER_EMAIL=...`)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
TEMPLATE_BODY_LIMIT = 51_200  # bytes; larger templates must be passed by S3 URL
# On an update every parameter not given again keeps its previous value (UsePreviousValue), never its Default:
# a value set in the console (ApiReservedConcurrency=0 on a new account) must survive the next `make deploy`.
PINNED_PARAMETERS = ("Stage",)  # always sent: package.py pins it to the build's stage
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(Exception):
    """The deployment could not be done; the message says what to fix."""


def log(message: str) -> None:
    print(f"[deploy] {message}", flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_build(stage: str, build_dir: Path = BUILD) -> tuple[dict[str, Any], Path]:
    template_path = build_dir / stage / "sam.json"
    zip_path = build_dir / stage / "deployment.zip"
    if not template_path.exists() or not zip_path.exists():
        raise DeployError(f"{template_path} or {zip_path} is missing: run `make package STAGE={stage}` first")
    template = json.loads(template_path.read_text())
    allowed = template.get("Parameters", {}).get("Stage", {}).get("AllowedValues")
    if allowed != [stage]:
        raise DeployError(f"{template_path} was packaged for stage {allowed}, not {stage!r}: re-run make package")
    return template, zip_path


def rewrite_code_uris(template: dict[str, Any], bucket: str, key: str) -> dict[str, Any]:
    """Point every function packaged from ./deployment.zip at the uploaded object (a copy is returned)."""
    packaged = copy.deepcopy(template)
    rewritten = 0
    for resource in packaged.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = {"Bucket": bucket, "Key": key}
            rewritten += 1
        elif resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(props.get("ContentUri"), str):
            props["ContentUri"] = {"Bucket": bucket, "Key": key.replace("deployment-", "layer-")}
            rewritten += 1
    if not rewritten:
        raise DeployError("the template has no function packaged from a local zip")
    return packaged


class _NoManagedPolicies:
    """PageGuard's functions name their own roles (Chalice writes them), so SAM never looks up a managed policy."""

    def load(self) -> dict[str, str]:
        return {}


def expand_sam(template: dict[str, Any]) -> dict[str, Any]:
    """Apply the SAM transform here, with AWS's own translator (aws-sam-translator), instead of in CloudFormation.

    Real CloudFormation expands AWS::Serverless-2016-10-31 itself, and production deploys leave it to it.
    moto's CloudFormation has no SAM transform (it skips AWS::Serverless::* resources), so the deployment
    test (tests/deploy/) passes --expand-sam-locally to send it plain CloudFormation.
    """
    from samtranslator.translator.transform import transform

    return transform(copy.deepcopy(template), {}, _NoManagedPolicies())


def default_bucket_name(account: str, region: str) -> str:
    return f"pageguard-artifacts-{account}-{region}"


def ensure_bucket(s3: Any, bucket: str, region: str, create: bool, owner: str) -> None:
    """Use the bucket only if this account owns it. The default name is predictable, and another
    account could create it first and let us write to it: the zip we upload there is the code Lambda
    runs with the page tokens. Every S3 call therefore carries ExpectedBucketOwner, which S3 refuses
    (403) when the bucket belongs to someone else."""
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=owner)
        return
    except s3.exceptions.ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 403:
            raise DeployError(
                f"bucket {bucket} exists but does not belong to account {owner} (or denies it access); "
                "never upload PageGuard's code to a bucket you do not own: pass --bucket with one you own"
            ) from exc
        if status not in (404, 400) or not create:
            raise DeployError(f"bucket {bucket} is not usable ({exc}); pass --bucket with one you own") from exc
    log(f"creating private artifacts bucket {bucket}")
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**kwargs)
    except s3.exceptions.ClientError as exc:
        # Taken between our check and now (BucketAlreadyExists), or any other refusal: stop.
        raise DeployError(f"could not create bucket {bucket}: {exc.response.get('Error', {}).get('Code')}") from exc
    s3.put_public_access_block(
        Bucket=bucket,
        ExpectedBucketOwner=owner,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ExpectedBucketOwner=owner,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )


def upload_if_missing(s3: Any, bucket: str, key: str, path: Path, owner: str) -> None:
    try:
        s3.head_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)
        log(f"s3://{bucket}/{key} already uploaded")
        return
    except s3.exceptions.ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
            raise DeployError(f"bucket {bucket} does not belong to account {owner}") from exc
    log(f"uploading {path.name} ({path.stat().st_size / 1e6:.1f} MB) to s3://{bucket}/{key}")
    s3.upload_file(str(path), bucket, key,
                   ExtraArgs={"ServerSideEncryption": "AES256", "ExpectedBucketOwner": owner})


def stack_exists(cfn: Any, stack_name: str) -> bool:
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except cfn.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return False
        raise
    status = stacks[0]["StackStatus"]
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {stack_name} is in ROLLBACK_COMPLETE (its first creation failed) and cannot be updated: "
            "read the events above or in the console, delete the stack, then deploy again"
        )
    return status != "REVIEW_IN_PROGRESS"


def stack_parameters(template: dict[str, Any], given: dict[str, str], updating: bool) -> list[dict[str, Any]]:
    declared = template.get("Parameters", {})
    params = []
    for name in declared:
        if name in given and given[name] is not None:
            params.append({"ParameterKey": name, "ParameterValue": str(given[name])})
        elif updating and name not in PINNED_PARAMETERS:
            params.append({"ParameterKey": name, "UsePreviousValue": True})
        elif "Default" not in declared[name]:
            raise DeployError(f"parameter {name} is required for a new stack (see --help)")
    return params


def public_base_url_from(stack_outputs: dict[str, str]) -> str:
    """The deployment's public URL (API Gateway's stage URL): the WebhookUrl output without /webhook."""
    webhook = stack_outputs.get("WebhookUrl", "")
    return webhook[: -len("/webhook")] if webhook.endswith("/webhook") else ""


def stack_parameter(cfn: Any, stack_name: str, name: str) -> str:
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return next((p.get("ParameterValue", "") for p in stack.get("Parameters", []) if p["ParameterKey"] == name), "")


def deploy_template(
    cfn: Any,
    *,
    stack_name: str,
    template: dict[str, Any],
    parameters: dict[str, str],
    template_url: Callable[[str], str] | None = None,
    waiter_delay: int = 10,
) -> dict[str, str]:
    """Create or update `stack_name` through a change set; returns the stack outputs."""
    updating = stack_exists(cfn, stack_name)
    body = json.dumps(template)
    request: dict[str, Any] = {
        "StackName": stack_name,
        "ChangeSetName": f"pageguard-{int(time.time())}",
        "ChangeSetType": "UPDATE" if updating else "CREATE",
        "Capabilities": CAPABILITIES,
        "Parameters": stack_parameters(template, parameters, updating),
        "Tags": [{"Key": "app", "Value": "pageguard"}],
    }
    if len(body.encode()) > TEMPLATE_BODY_LIMIT:
        if template_url is None:
            raise DeployError("template is over 51,200 bytes and no bucket was given for it")
        request["TemplateURL"] = template_url(body)
    else:
        request["TemplateBody"] = body
    log(f"{'updating' if updating else 'creating'} stack {stack_name}")
    try:
        change_set = cfn.create_change_set(**request)
    except cfn.exceptions.ClientError as exc:
        if any(marker in str(exc) for marker in NO_CHANGES):  # some endpoints refuse an empty change set outright
            log("no changes to deploy")
            return outputs(cfn, stack_name)
        raise DeployError(f"CloudFormation refused the change set: {exc}") from exc
    change_set_id = change_set["Id"]
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            ChangeSetName=change_set_id, StackName=stack_name, WaiterConfig={"Delay": waiter_delay, "MaxAttempts": 120}
        )
    except Exception as exc:  # WaiterError: a change set with no changes ends FAILED
        described = cfn.describe_change_set(ChangeSetName=change_set_id, StackName=stack_name)
        reason = described.get("StatusReason", "")
        if any(marker in reason for marker in NO_CHANGES):
            log("no changes to deploy")
            cfn.delete_change_set(ChangeSetName=change_set_id, StackName=stack_name)
            return outputs(cfn, stack_name)
        raise DeployError(f"change set failed: {reason or exc}") from exc
    described = cfn.describe_change_set(ChangeSetName=change_set_id, StackName=stack_name)
    for change in described.get("Changes", []):
        rc = change.get("ResourceChange", {})
        log(f"  {rc.get('Action', '?'):<8} {rc.get('LogicalResourceId', '?'):<28} {rc.get('ResourceType', '')}")
    try:
        cfn.execute_change_set(ChangeSetName=change_set_id, StackName=stack_name)
    except Exception as exc:  # ClientError, or an endpoint answering garbage (an emulator's 500)
        raise DeployError(f"executing change set {change_set_id} failed: {exc}") from exc
    waiter = "stack_update_complete" if updating else "stack_create_complete"
    try:
        cfn.get_waiter(waiter).wait(StackName=stack_name, WaiterConfig={"Delay": waiter_delay, "MaxAttempts": 360})
    except Exception as exc:
        raise DeployError(f"stack {stack_name} failed:\n" + "\n".join(failure_events(cfn, stack_name))) from exc
    return outputs(cfn, stack_name)


def failure_events(cfn: Any, stack_name: str, limit: int = 15) -> list[str]:
    events = cfn.describe_stack_events(StackName=stack_name).get("StackEvents", [])
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("FAILED")]
    return [f"  {e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}" for e in failed[:limit]]


def outputs(cfn: Any, stack_name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def check_sender_on_domain(sender_email: str | None, sender_domain: str | None) -> None:
    """DKIM and MAIL FROM only help alerts sent from an address on the verified domain."""
    if sender_email and sender_domain and sender_email.rpartition("@")[2].lower() != sender_domain.lower():
        raise DeployError(f"--sender-email {sender_email} is not on --sender-domain {sender_domain}: "
                          "use an address at that domain (alerts@{sender_domain})")


def dns_records(stack_outputs: dict[str, str]) -> list[str]:
    """The DKIM CNAMEs and MAIL FROM records the stack asks for, as `name TYPE value` lines."""
    names = sorted(k for k in stack_outputs if k.startswith("DkimRecord")) + ["MailFromMxRecord", "MailFromSpfRecord"]
    return [stack_outputs[k] for k in names if k in stack_outputs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=("dev", "prod", "ci"), default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--stack-name", help="default: pageguard-STAGE")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    parser.add_argument("--bucket", default=os.environ.get("DEPLOY_BUCKET") or None,
                        help="S3 bucket for the zip (default: pageguard-artifacts-ACCOUNT-REGION, created if missing)")
    parser.add_argument("--sender-email", default=os.environ.get("SENDER_EMAIL") or None,
                        help="address alert emails come from (required the first time)")
    parser.add_argument("--sender-domain", default=os.environ.get("SENDER_DOMAIN") or None,
                        help="verify this whole domain with Easy DKIM and a custom MAIL FROM (the sender's domain)")
    parser.add_argument("--sender-already-verified", action="store_true",
                        help="do not create the SES identity (the address or its domain is already verified)")
    parser.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL") or None)
    parser.add_argument("--audit-retention-days", type=int)
    parser.add_argument("--meta-app-id", default=os.environ.get("META_APP_ID") or None,
                        help="the Meta app id, for Facebook Login and the daily token check")
    parser.add_argument("--public-base-url", default=os.environ.get("PUBLIC_BASE_URL") or None,
                        help="this deployment's public URL (Facebook Login returns to <it>/connect/callback)")
    parser.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="set a stack parameter (repeatable), e.g. ApiReservedConcurrency=0; others keep their values")
    parser.add_argument("--dry-run", action="store_true", help="write build/STAGE/packaged.json and stop; no AWS calls")
    parser.add_argument("--expand-sam-locally", action="store_true",
                        default=os.environ.get("PAGEGUARD_EXPAND_SAM") == "1",
                        help="apply the SAM transform before sending the template (for emulators without it, like moto)")
    args = parser.parse_args(argv)
    stack_name = args.stack_name or f"pageguard-{args.stage}"

    try:
        template, zip_path = load_build(args.stage)
        digest = sha256_file(zip_path)[:20]
        key = f"pageguard/{args.stage}/deployment-{digest}.zip"
        given = {
            "Stage": args.stage,
            "SenderEmail": args.sender_email,
            "SenderDomain": args.sender_domain.lower() if args.sender_domain else None,
            "CreateSenderIdentity": "false" if args.sender_already_verified else None,
            "AlarmEmail": args.alarm_email,
            "AuditRetentionDays": args.audit_retention_days,
            "MetaAppId": args.meta_app_id,
            "PublicBaseUrl": args.public_base_url,
        }
        check_sender_on_domain(args.sender_email, args.sender_domain)
        for item in args.parameter:
            name, sep, value = item.partition("=")
            if not sep or name not in template.get("Parameters", {}):
                raise DeployError(f"--parameter {item!r}: expected NAME=VALUE with NAME one of {sorted(template['Parameters'])}")
            given[name] = value
        if args.dry_run:
            packaged = rewrite_code_uris(template, args.bucket or "<artifacts-bucket>", key)
            out = BUILD / args.stage / "packaged.json"
            out.write_text(json.dumps(packaged, indent=2) + "\n")
            log(f"dry run: would upload {zip_path} to s3://{args.bucket or '<artifacts-bucket>'}/{key}")
            log(f"dry run: wrote {out}; would create or update stack {stack_name} with {CAPABILITIES}")
            return 0

        import boto3

        session = boto3.session.Session(region_name=args.region)
        region = session.region_name
        if not region:
            raise DeployError("no AWS region: pass --region or set AWS_REGION")
        account = session.client("sts").get_caller_identity()["Account"]
        log(f"account {account}, region {region}, stack {stack_name}")
        s3 = session.client("s3")
        bucket = args.bucket or default_bucket_name(account, region)
        ensure_bucket(s3, bucket, region, create=args.bucket is None, owner=account)
        upload_if_missing(s3, bucket, key, zip_path, owner=account)
        packaged = rewrite_code_uris(template, bucket, key)
        if args.expand_sam_locally:
            packaged = expand_sam(packaged)
        (BUILD / args.stage / "packaged.json").write_text(json.dumps(packaged, indent=2) + "\n")

        def template_url(body: str) -> str:
            tkey = f"pageguard/{args.stage}/template-{hashlib.sha256(body.encode()).hexdigest()[:20]}.json"
            s3.put_object(Bucket=bucket, Key=tkey, Body=body.encode(), ServerSideEncryption="AES256",
                          ExpectedBucketOwner=account)
            return f"https://{bucket}.s3.{region}.amazonaws.com/{tkey}"

        cfn = session.client("cloudformation")
        result = deploy_template(cfn, stack_name=stack_name, template=packaged, parameters=given,
                                 template_url=template_url)
        base_url = public_base_url_from(result)
        if base_url and not stack_parameter(cfn, stack_name, "PublicBaseUrl"):
            # The URL exists only once the API does, and the functions cannot name their own API (a
            # cycle in CloudFormation): a second update gives them the console links for alert emails.
            log(f"PublicBaseUrl was empty: setting it to {base_url} (console links in alert emails, Facebook Login)")
            result = deploy_template(cfn, stack_name=stack_name, template=packaged,
                                     parameters={**given, "PublicBaseUrl": base_url}, template_url=template_url)
    except DeployError as exc:
        print(f"[deploy] FAILED: {exc}", file=sys.stderr)
        return 1
    log("stack outputs:")
    for name, value in sorted(result.items()):
        log(f"  {name}: {value}")
    dns = dns_records(result)
    if dns:
        log("")
        log("DNS records to add at the sender domain's DNS host (then `python -m ops.cli doctor` checks them):")
        for record in dns:
            log(f"  {record}")
    if "WebhookUrl" in result:
        log("")
        log(f"Webhook callback URL for the Meta App Dashboard: {result['WebhookUrl']}")
        log(f"Next: python -m ops.cli setup --stage {args.stage} ... then subscribe (docs/deploy.md).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
