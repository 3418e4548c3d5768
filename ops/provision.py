"""`setup`: store a stage's pages configuration and Meta app secret as SSM SecureStrings in the practice's account.

The secrets go from a file outside the repo (pages, with their Page access tokens) and from the
environment or a hidden prompt (app secret, verify token) straight to SSM Parameter Store, encrypted
with the account's `aws/ssm` key. Nothing is written to disk, and nothing secret is printed, except a
verify token this command generated, which the practice must paste into the Meta App Dashboard.

The parameter names are fixed per stage (`/pageguard/<stage>/pages`, `/pageguard/<stage>/app-secret`);
.chalice/config.json and the functions' IAM policies use the same names (tests/test_infra.py checks).
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from chalicelib.config import REPO_ROOT, PagesConfig
from chalicelib.errors import ConfigError

PARAMETER_PREFIX = "/pageguard"
APP_SECRET_ENV = "PAGEGUARD_APP_SECRET"
VERIFY_TOKEN_ENV = "PAGEGUARD_VERIFY_TOKEN"
STANDARD_TIER_LIMIT = 4096  # bytes; larger values need the Advanced tier, which Intelligent-Tiering picks itself


@dataclass(frozen=True)
class ParameterNames:
    pages: str
    app_secret: str


def parameter_names(stage: str) -> ParameterNames:
    if stage not in ("dev", "prod", "ci"):
        raise ConfigError(f"stage must be dev, prod or ci, not {stage!r}")
    return ParameterNames(pages=f"{PARAMETER_PREFIX}/{stage}/pages", app_secret=f"{PARAMETER_PREFIX}/{stage}/app-secret")


@dataclass(frozen=True)
class SetupResult:
    written: tuple[str, ...]
    page_ids: tuple[str, ...]
    pages_without_token: tuple[str, ...]
    generated_verify_token: str = ""


def read_pages(text: str) -> tuple[str, PagesConfig]:
    """Validate a pages file and return it as compact JSON (the form stored) plus the parsed config."""
    config = PagesConfig.from_json(text)
    if not config.pages:
        raise ConfigError('the pages file lists no pages: {"pages": [ ... ]}')
    ids = [p.page_id for p in config.pages]
    if len(set(ids)) != len(ids):
        raise ConfigError("a page_id appears twice in the pages file")
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False), config


def read_app_secret(ssm: Any, name: str) -> dict[str, str]:
    """The stored {"app_secret", "verify_token", "console_key"}, or {} when the parameter does not exist yet."""
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return {}
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"{name} does not hold JSON; overwrite it with setup") from exc
    return {k: str(v) for k, v in data.items() if k in ("app_secret", "verify_token", "console_key")}


# Why `setup --kms-key-id` is refused rather than half-working: the functions' roles may call ssm:GetParameter,
# which decrypts with the AWS-managed aws/ssm key only; a customer-managed key would also need kms:Decrypt in
# every function's policy, and without it PageGuard could not read its own configuration.
KMS_REFUSED = (
    "setup refused: --kms-key-id is not supported. The deployed functions can decrypt parameters encrypted with "
    "the account's AWS-managed aws/ssm key, not with a customer-managed key (their roles have no kms:Decrypt on "
    "it), so PageGuard could not read its own configuration. Run setup again without --kms-key-id; nothing was written."
)


def put_secure(ssm: Any, name: str, value: str, description: str) -> None:
    kwargs: dict[str, Any] = {
        "Name": name,
        "Value": value,
        "Type": "SecureString",
        "Overwrite": True,
        "Description": description,
        "Tier": "Intelligent-Tiering" if len(value.encode()) > STANDARD_TIER_LIMIT else "Standard",
    }
    ssm.put_parameter(**kwargs)  # the account's aws/ssm key: the functions' ssm:GetParameter can decrypt it


def store_configuration(
    ssm: Any,
    stage: str,
    *,
    pages_json: str | None = None,
    update_app_secret: bool = True,
    app_secret: str | None = None,
    verify_token: str | None = None,
    generate_token: Callable[[], str] = lambda: secrets.token_urlsafe(32),
) -> SetupResult:
    """Write the pages (when given) and the app-secret parameter (unless update_app_secret is False).

    The app-secret parameter keeps whichever of its values was not given; a verify token is generated
    when there is none yet, and so is the key that signs console links and sessions (nobody needs to
    see it; kept once made, so links already emailed stay valid); an app secret must be given or
    already stored.
    """
    names = parameter_names(stage)
    # Work out both values before writing either, so a missing app secret leaves nothing half-done.
    generated = ""
    secret_value = ""
    if update_app_secret:
        current = read_app_secret(ssm, names.app_secret)
        new = dict(current)
        if app_secret is not None:
            new["app_secret"] = app_secret
        if verify_token is not None:
            new["verify_token"] = verify_token
        if not new.get("app_secret"):
            raise ConfigError(f"no app secret given (${APP_SECRET_ENV} or the prompt) and none stored in {names.app_secret}")
        if not new.get("verify_token"):
            generated = generate_token()
            new["verify_token"] = generated
        if not new.get("console_key"):
            new["console_key"] = generate_token()
        if new != current:
            secret_value = json.dumps(new)
    page_ids: tuple[str, ...] = ()
    without_token: tuple[str, ...] = ()
    compact = ""
    if pages_json is not None:
        compact, config = read_pages(pages_json)
        page_ids = tuple(p.page_id for p in config.pages)
        without_token = tuple(p.page_id for p in config.pages if not p.access_token)

    written: list[str] = []
    if compact:
        put_secure(ssm, names.pages, compact, f"PageGuard {stage}: protected pages and their access tokens")
        written.append(names.pages)
    if secret_value:
        put_secure(ssm, names.app_secret, secret_value, f"PageGuard {stage}: Meta app secret and webhook verify token")
        written.append(names.app_secret)
    return SetupResult(tuple(written), page_ids, without_token, generated)


def load_pages(ssm: Any, stage: str, registry: Any = None) -> PagesConfig:
    """A stage's pages (for the subscribe command): the page registry's, else the parameter `setup` stored
    before the registry existed."""
    if registry is not None:
        from chalicelib.state.page_directory import PageDirectory

        pages = PageDirectory(registry).pages
        if pages:
            return PagesConfig(pages=pages)
    name = parameter_names(stage).pages
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound as exc:
        raise ConfigError(f"{name} does not exist: run setup --stage {stage} --pages-file ... first") from exc
    return PagesConfig.from_json(value)


def warn_if_tracked(path: Path, err: TextIO) -> None:
    """Page tokens in a file git could commit are a leak waiting to happen: say so (the file is not changed)."""
    try:
        resolved = path.resolve()
        resolved.relative_to(REPO_ROOT)
    except (OSError, ValueError):
        return
    ignored = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "check-ignore", "-q", str(resolved)], capture_output=True
    ).returncode == 0
    if not ignored:
        err.write(
            f"warning: {path} is inside the repository and not ignored by git. It holds Page access tokens: "
            "move it outside the repository (or delete it) once setup has stored it.\n"
        )


def _secret_from(env: Mapping[str, str], var: str, prompt: str, interactive: bool) -> str | None:
    value = env.get(var)
    if value:
        return value
    if interactive:
        entered = getpass.getpass(prompt)
        return entered or None
    return None


# --- command ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetupOptions:
    """`setup`'s options (ops/cli.py documents each)."""

    stage: str
    pages_file: Path | None = None
    pages_only: bool = False
    region: str | None = None
    kms_key_id: str = ""
    check: bool = False


def deployed_registry(args: SetupOptions, ssm: Any) -> Any:
    """The deployed stage's page registry (its table from the stack outputs), or None before the first deploy."""
    from botocore.exceptions import ClientError

    from chalicelib.state.page_registry import DynamoPageRegistry
    from ops.stage import StageTarget, deployed_environment

    try:
        env = deployed_environment(StageTarget(stage=args.stage, region=args.region))
    except ClientError:
        return None
    if not env.get("STORE_TABLE"):
        return None
    import boto3

    table = boto3.resource("dynamodb", region_name=args.region).Table(env["STORE_TABLE"])
    return DynamoPageRegistry(table, ssm, stage=args.stage)


def migrate_pages(ssm: Any, stage: str, registry: Any, pages_json: str | None, out: TextIO) -> None:
    """Pages into the registry: the given file (its pages replace those of the same id), else the old
    PAGES_PARAMETER JSON, once (pages connected or changed since are kept)."""
    from chalicelib.state.page_import import import_pages_json

    name = parameter_names(stage).pages
    if pages_json is None:
        try:
            pages_json = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        except ssm.exceptions.ParameterNotFound:
            return
        report = import_pages_json(pages_json, registry, overwrite=False)
        source = name
    else:
        report = import_pages_json(pages_json, registry, overwrite=True)
        source = "the pages file"
    if report.already_imported:
        out.write(f"pages from {source} were imported into the page registry before: nothing to do\n")
        return
    out.write(f"page registry: imported {len(report.imported)} page(s) from {source}"
              + (f", kept {len(report.kept)} connected since" if report.kept else "") + "\n")


def run(args: SetupOptions, *, ssm: Any = None, env: Mapping[str, str] | None = None,
        out: TextIO | None = None, err: TextIO | None = None, interactive: bool | None = None,
        registry: Any = None) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    env = os.environ if env is None else env
    interactive = sys.stdin.isatty() if interactive is None else interactive
    names = parameter_names(args.stage)
    pages_json = None
    if args.kms_key_id:
        err.write(KMS_REFUSED + "\n")
        return 2
    try:
        if args.pages_file:
            pages_json = args.pages_file.read_text(encoding="utf-8")
            _, config = read_pages(pages_json)
            if any(p.access_token for p in config.pages):
                warn_if_tracked(args.pages_file, err)
            out.write(f"pages file OK: {len(config.pages)} page(s): {', '.join(p.page_id for p in config.pages)}\n")
        elif args.pages_only:
            raise ConfigError("--pages-only needs --pages-file")
        if args.check:
            return 0
        app_secret = verify_token = None
        if not args.pages_only:
            app_secret = _secret_from(env, APP_SECRET_ENV, "Meta app secret (App settings > Basic): ", interactive)
            verify_token = env.get(VERIFY_TOKEN_ENV) or None
        if ssm is None:
            import boto3

            ssm = boto3.client("ssm", region_name=args.region)
            registry = deployed_registry(args, ssm)
        # With a deployed stack, pages go to the registry (no size ceiling), not into one parameter.
        result = store_configuration(
            ssm, args.stage, pages_json=None if registry is not None else pages_json,
            update_app_secret=not args.pages_only, app_secret=app_secret, verify_token=verify_token,
        )
        if registry is not None:
            migrate_pages(ssm, args.stage, registry, pages_json, out)
        elif pages_json is not None:
            out.write("note: the stack is not deployed yet: the pages went to the parameter; run setup again "
                      "after deploying to move them into the page registry\n")
    except (ConfigError, OSError) as exc:
        err.write(f"setup failed: {exc}\n")
        return 1
    for name in result.written:
        out.write(f"stored {name} (SecureString)\n")
    if not result.written:
        out.write(f"{names.app_secret} already up to date\n")
    for page_id in result.pages_without_token:
        out.write(f"note: page {page_id} has no access_token: PageGuard only reports (dry run) for it\n")
    if result.generated_verify_token:
        out.write(
            "\nGenerated webhook verify token (paste it into the Meta App Dashboard > Webhooks > Verify token;\n"
            f"it is stored in {names.app_secret} and shown only now):\n{result.generated_verify_token}\n"
        )
    out.write("The functions read these within 5 minutes (parameter cache); no redeploy needed.\n")
    return 0
