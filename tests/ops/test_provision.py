"""`setup`: pages and app secret go to SSM SecureStrings (moto server), validated, never echoed, never on disk."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ops import provision
from chalicelib.config import PagesConfig
from chalicelib.errors import ConfigError
from tests.aws_fixtures import aws_client

PAGE = {
    "page_id": "104857600123456",
    "instagram_id": "17841400000000001",
    "name": "Harbor Counselling",
    "access_token": "EAAG-page-token-secret",
    "notify_email": "owner@harbor.example",
    "contact_reply": "Please call 555-0100 rather than commenting.",
}


@pytest.fixture
def ssm(moto_server: str) -> Any:
    client = aws_client("ssm", moto_server)
    yield client
    for stage in ("dev", "prod"):
        names = provision.parameter_names(stage)
        for name in (names.pages, names.app_secret):
            try:
                client.delete_parameter(Name=name)
            except client.exceptions.ParameterNotFound:
                pass


def _pages_file(tmp_path: Path, *pages: dict) -> Path:
    path = tmp_path / "pages.json"
    path.write_text(json.dumps({"pages": list(pages or (PAGE,))}), encoding="utf-8")
    return path


def _args(**kw: Any) -> provision.SetupOptions:
    return provision.SetupOptions(**kw)


def _get(ssm: Any, name: str) -> dict:
    return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]


def test_parameter_names_are_fixed_per_stage() -> None:
    assert provision.parameter_names("prod") == provision.ParameterNames("/pageguard/prod/pages", "/pageguard/prod/app-secret")
    with pytest.raises(ConfigError):
        provision.parameter_names("local")


def test_setup_stores_pages_and_secrets_as_securestrings_without_printing_them(ssm: Any, tmp_path: Path) -> None:
    # GIVEN a pages file outside the repo and the app secret in the environment
    out, err = io.StringIO(), io.StringIO()
    args = _args(stage="prod", pages_file=_pages_file(tmp_path))
    # WHEN setup runs
    rc = provision.run(args, ssm=ssm, env={provision.APP_SECRET_ENV: "s3cr3t-app"}, out=out, err=err, interactive=False)
    # THEN both parameters are SecureStrings holding the JSON the functions read
    assert rc == 0, err.getvalue()
    pages = _get(ssm, "/pageguard/prod/pages")
    assert pages["Type"] == "SecureString"
    assert PagesConfig.from_json(pages["Value"]).for_account("17841400000000001").access_token == "EAAG-page-token-secret"
    secret = _get(ssm, "/pageguard/prod/app-secret")
    assert secret["Type"] == "SecureString"
    stored = json.loads(secret["Value"])
    assert stored["app_secret"] == "s3cr3t-app" and len(stored["verify_token"]) >= 32
    assert len(stored["console_key"]) >= 32 and stored["console_key"] != stored["verify_token"]
    # AND the app secret, the console key and the page token are never printed; the generated verify token is, once
    printed = out.getvalue() + err.getvalue()
    assert "s3cr3t-app" not in printed and "EAAG-page-token-secret" not in printed
    assert stored["console_key"] not in printed
    assert stored["verify_token"] in out.getvalue()


def test_rotating_the_app_secret_keeps_the_verify_token_and_the_console_key(ssm: Any) -> None:
    first = provision.store_configuration(ssm, "dev", app_secret="old", verify_token="vt-123")
    assert first.written == ("/pageguard/dev/app-secret",) and first.generated_verify_token == ""
    console_key = json.loads(_get(ssm, "/pageguard/dev/app-secret")["Value"])["console_key"]
    second = provision.store_configuration(ssm, "dev", app_secret="new")
    assert json.loads(_get(ssm, "/pageguard/dev/app-secret")["Value"]) == {
        "app_secret": "new", "verify_token": "vt-123", "console_key": console_key}  # emailed links stay valid
    assert second.generated_verify_token == ""
    # Same values again: nothing to write.
    assert provision.store_configuration(ssm, "dev", app_secret="new").written == ()


def test_pages_only_update_leaves_the_app_secret_alone(ssm: Any, tmp_path: Path) -> None:
    provision.store_configuration(ssm, "dev", app_secret="keep-me", verify_token="vt")
    out = io.StringIO()
    rc = provision.run(_args(stage="dev", pages_file=_pages_file(tmp_path), pages_only=True), ssm=ssm, env={},
                       out=out, err=io.StringIO(), interactive=False)
    assert rc == 0
    assert json.loads(_get(ssm, "/pageguard/dev/app-secret")["Value"])["app_secret"] == "keep-me"
    assert "stored /pageguard/dev/pages" in out.getvalue()


def test_first_setup_without_an_app_secret_writes_nothing(ssm: Any, tmp_path: Path) -> None:
    err = io.StringIO()
    rc = provision.run(_args(stage="prod", pages_file=_pages_file(tmp_path)), ssm=ssm, env={}, out=io.StringIO(),
                       err=err, interactive=False)
    assert rc == 1 and "no app secret" in err.getvalue()
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/pageguard/prod/pages")


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "JSON"),
        (json.dumps({"pages": []}), "no pages"),
        (json.dumps({"pages": [{**PAGE, "notify_email": ""}]}), "notify_email"),
        (json.dumps({"pages": [PAGE, PAGE]}), "twice"),
    ],
)
def test_invalid_pages_files_are_refused_before_any_aws_call(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "pages.json"
    path.write_text(content, encoding="utf-8")
    err = io.StringIO()
    rc = provision.run(_args(stage="prod", pages_file=path), ssm=object(), env={provision.APP_SECRET_ENV: "x"},
                       out=io.StringIO(), err=err, interactive=False)
    assert rc == 1 and message in err.getvalue()


def test_check_only_validates(tmp_path: Path) -> None:
    out = io.StringIO()
    rc = provision.run(_args(stage="prod", pages_file=_pages_file(tmp_path), check=True), ssm=object(), env={},
                       out=out, err=io.StringIO(), interactive=False)
    assert rc == 0 and "1 page(s)" in out.getvalue()


def test_a_large_pages_configuration_uses_a_tier_that_fits(ssm: Any) -> None:
    many = [{**PAGE, "page_id": str(1000 + i), "contact_reply": "x" * 400} for i in range(12)]
    provision.store_configuration(ssm, "dev", pages_json=json.dumps({"pages": many}), update_app_secret=False)
    stored = _get(ssm, "/pageguard/dev/pages")["Value"]
    assert len(stored.encode()) > provision.STANDARD_TIER_LIMIT
    assert len(PagesConfig.from_json(stored).pages) == 12


def test_a_pages_file_inside_the_repo_gets_a_warning(tmp_path: Path) -> None:
    err = io.StringIO()
    provision.warn_if_tracked(provision.REPO_ROOT / "pages.example.json", err)
    assert "inside the repository" in err.getvalue()
    quiet = io.StringIO()
    provision.warn_if_tracked(_pages_file(tmp_path), quiet)
    assert quiet.getvalue() == ""


def test_load_pages_reads_what_setup_stored(ssm: Any) -> None:
    provision.store_configuration(ssm, "dev", pages_json=json.dumps({"pages": [PAGE]}), update_app_secret=False)
    assert provision.load_pages(ssm, "dev").pages[0].page_id == PAGE["page_id"]
    with pytest.raises(ConfigError, match="run setup"):
        provision.load_pages(ssm, "prod")


def test_the_cli_dispatches_setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ops import cli

    assert cli.main(["setup", "--stage", "prod", "--pages-file", str(_pages_file(tmp_path)), "--check"]) == 0
    assert "1 page(s)" in capsys.readouterr().out


# --- the page registry (deployed stack): pages go there, the old parameter is imported once --------------


@pytest.fixture
def registry(moto_server: str, ssm: Any) -> Any:
    import uuid

    import boto3

    from chalicelib.state.dynamo_store import DynamoStore
    from chalicelib.state.page_registry import DynamoPageRegistry

    resource = boto3.resource("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
    table = DynamoStore.create_table(resource, f"pageguard-{uuid.uuid4().hex[:8]}")
    yield DynamoPageRegistry(table, ssm, stage="dev")
    table.delete()


def test_with_a_deployed_stack_setup_puts_pages_in_the_registry_not_one_parameter(ssm, registry, tmp_path) -> None:
    many = [dict(PAGE, page_id=str(200000000000000 + i), instagram_id="", access_token=f"EAA-{i}-" + "x" * 200)
            for i in range(60)]  # about 20 KB of JSON: more than any SSM parameter holds
    out = io.StringIO()
    rc = provision.run(_args(stage="dev", pages_file=_pages_file(tmp_path, *many), pages_only=True), ssm=ssm, env={},
                       out=out, err=io.StringIO(), interactive=False, registry=registry)
    assert rc == 0
    assert len(registry.list_pages()) == 60
    assert registry.get_token("200000000000059").startswith("EAA-59-")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/pageguard/dev/pages")
    assert "imported 60 page(s)" in out.getvalue() and "EAA-" not in out.getvalue()


def test_setup_imports_an_existing_pages_parameter_once_and_keeps_later_changes(ssm, registry) -> None:
    # GIVEN an install from before the registry: its pages live in /pageguard/dev/pages
    provision.store_configuration(ssm, "dev", pages_json=json.dumps({"pages": [PAGE]}), update_app_secret=False)
    provision.store_configuration(ssm, "dev", app_secret="s", verify_token="v")
    # WHEN setup runs against the deployed stack
    out = io.StringIO()
    assert provision.run(_args(stage="dev"), ssm=ssm, env={}, out=out, err=io.StringIO(), interactive=False,
                         registry=registry) == 0
    # THEN the page and its token are in the registry
    assert registry.find_page("17841400000000001").name == "Harbor Counselling"
    assert registry.get_token(PAGE["page_id"]) == "EAAG-page-token-secret"
    # AND a later change survives the next setup (imported once)
    registry.put_token(PAGE["page_id"], "EAA-reconnected")
    out = io.StringIO()
    provision.run(_args(stage="dev"), ssm=ssm, env={}, out=out, err=io.StringIO(), interactive=False, registry=registry)
    assert registry.get_token(PAGE["page_id"]) == "EAA-reconnected"
    assert "imported into the page registry before" in out.getvalue()


def test_subscribe_and_scan_read_the_registry_once_pages_are_there(ssm, registry, tmp_path) -> None:
    provision.run(_args(stage="dev", pages_file=_pages_file(tmp_path), pages_only=True), ssm=ssm, env={},
                  out=io.StringIO(), err=io.StringIO(), interactive=False, registry=registry)
    assert provision.load_pages(ssm, "dev", registry).pages[0].access_token == "EAAG-page-token-secret"


def test_a_deployed_stages_environment_carries_the_connect_settings() -> None:
    from ops.stage import StageTarget, deployed_environment

    class CloudFormation:
        def describe_stacks(self, StackName: str) -> dict:
            assert StackName == "pageguard-prod"
            return {"Stacks": [{"Outputs": [{"OutputKey": "StoreTableName", "OutputValue": "tbl"}],
                                "Parameters": [{"ParameterKey": "MetaAppId", "ParameterValue": "4242"},
                                               {"ParameterKey": "PublicBaseUrl", "ParameterValue": "https://x.example/api"}]}]}

    env = deployed_environment(StageTarget(stage="prod"), CloudFormation())
    assert (env["META_APP_ID"], env["PUBLIC_BASE_URL"], env["STORE_TABLE"]) == ("4242", "https://x.example/api", "tbl")
def test_a_customer_managed_kms_key_is_refused_and_nothing_is_written(ssm: Any, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # The functions' roles have ssm:GetParameter but no kms:Decrypt: parameters under a customer-managed key
    # would be unreadable to them. setup refuses the flag before any AWS call.
    from ops import cli

    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    err = io.StringIO()
    rc = provision.run(_args(stage="prod", pages_file=_pages_file(tmp_path), kms_key_id=key), ssm=ssm,
                       env={provision.APP_SECRET_ENV: "s3cr3t-app"}, out=io.StringIO(), err=err, interactive=False)
    assert rc == 2 and "kms:Decrypt" in err.getvalue() and "nothing was written" in err.getvalue()
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/pageguard/prod/pages")
    assert cli.main(["setup", "--stage", "prod", "--pages-file", str(_pages_file(tmp_path)), "--kms-key-id", key]) == 2
    assert "not supported" in capsys.readouterr().err
    # and no deployed policy pretends otherwise
    for name in ("policy-api.json", "policy-worker.json", "policy-reconcile.json"):
        assert "kms:" not in (provision.REPO_ROOT / ".chalice" / name).read_text()
