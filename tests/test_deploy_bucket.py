"""The artifacts bucket: PageGuard's code goes only to a bucket this account owns (ExpectedBucketOwner
on every S3 call), against moto's S3 over real HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.aws_fixtures import aws_client
from tests.test_infra import deploy

ACCOUNT = "123456789012"  # moto's default account


def _recording_s3(endpoint: str) -> tuple[Any, list[tuple[str, dict]]]:
    s3 = aws_client("s3", endpoint)
    calls: list[tuple[str, dict]] = []

    def record(params: dict, model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    s3.meta.events.register("provide-client-params.s3.*", record)
    return s3, calls


def test_every_s3_call_names_the_expected_owner(moto_server: str, tmp_path: Path) -> None:
    s3, calls = _recording_s3(moto_server)
    zip_path = tmp_path / "deployment.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)

    deploy.ensure_bucket(s3, "pageguard-artifacts-test-owner", "us-east-1", create=True, owner=ACCOUNT)
    deploy.upload_if_missing(s3, "pageguard-artifacts-test-owner", "pageguard/prod/deployment-x.zip", zip_path,
                             owner=ACCOUNT)
    deploy.ensure_bucket(s3, "pageguard-artifacts-test-owner", "us-east-1", create=True, owner=ACCOUNT)

    names = [name for name, _ in calls]
    assert {"HeadBucket", "CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption", "HeadObject", "PutObject"} <= set(names)
    for name, params in calls:
        if name == "CreateBucket":  # S3 has no owner check on create; everything after it checks
            continue
        assert params.get("ExpectedBucketOwner") == ACCOUNT, name
    assert s3.head_object(Bucket="pageguard-artifacts-test-owner", Key="pageguard/prod/deployment-x.zip")


def test_a_bucket_owned_by_another_account_is_refused_with_a_clear_error(moto_server: str) -> None:
    s3 = aws_client("s3", moto_server)
    with Stubber(s3) as stub:
        # What S3 answers when ExpectedBucketOwner does not match the bucket's owner.
        stub.add_client_error("head_bucket", service_error_code="403", http_status_code=403,
                              expected_params={"Bucket": "pageguard-artifacts-taken", "ExpectedBucketOwner": ACCOUNT})
        with pytest.raises(deploy.DeployError, match="does not belong to account"):
            deploy.ensure_bucket(s3, "pageguard-artifacts-taken", "us-east-1", create=True, owner=ACCOUNT)
        stub.assert_no_pending_responses()
