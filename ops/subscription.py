"""`subscribe`: install the PageGuard Meta app on each protected Page so its webhooks start arriving.

`POST /{page-id}/subscribed_apps?subscribed_fields=feed,messages,message_echoes` with the Page token
(REFERENCE.md §5; needs pages_manage_metadata, plus pages_messaging for the message fields), then
`GET /{page-id}/subscribed_apps` to confirm what Meta recorded. Instagram through Facebook Login has no
separate call: its fields (comments, live_comments, messages) are chosen in the App Dashboard under the
Instagram object, and Meta delivers them through the linked Page's subscription; so for a page with an
instagram_id this checks that the Page really is linked to that Instagram account.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from chalicelib.act.graph import HttpGraphClient
from chalicelib.connect.facebook_login import SUBSCRIBED_FIELDS
from chalicelib.config import DEFAULT_GRAPH_API_URL, PagesConfig, PageSettings
from chalicelib.errors import ConfigError, GraphError, GraphPermanentError, GraphTokenExpiredError
from ops.provision import APP_SECRET_ENV, SetupOptions, deployed_registry, load_pages, parameter_names, read_app_secret
from ops.stage import stage_environment

PAGE_FIELDS = SUBSCRIBED_FIELDS  # the connect flow subscribes the same fields
# Chosen in the App Dashboard (Webhooks > Instagram) when the app uses Facebook Login; not settable here.
INSTAGRAM_DASHBOARD_FIELDS = ("comments", "live_comments", "messages")


@dataclass(frozen=True)
class PageSubscription:
    page_id: str
    name: str
    subscribed_fields: tuple[str, ...] = ()
    missing_fields: tuple[str, ...] = ()
    instagram_id: str = ""
    linked_instagram_id: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.missing_fields and not self.problems


def _fields_of(apps: Iterable[Any], app_id: str) -> tuple[str, ...]:
    """The subscribed fields of our app among the apps installed on the Page.

    With an app id, that app's entry. Without one, the entry that covers most of PAGE_FIELDS (a Page
    token from our app normally sees only our installation, but a Page can have several apps).
    """
    best: tuple[str, ...] = ()
    for app in apps:
        if not isinstance(app, dict):
            continue
        fields = tuple(str(f) for f in app.get("subscribed_fields") or ())
        if app_id and str(app.get("id", "")) == app_id:
            return fields
        if not app_id and len(set(fields) & set(PAGE_FIELDS)) > len(set(best) & set(PAGE_FIELDS)):
            best = fields
    return best


def check_page(graph: HttpGraphClient, page: PageSettings, *, app_id: str = "", fields: tuple[str, ...] = PAGE_FIELDS) -> PageSubscription:
    """What Meta has recorded for this Page (and whether its Instagram account is the one configured)."""
    # request() is the Graph client's transport: token in the Authorization header, appsecret_proof,
    # Meta's errors translated to errors.py types. The subscribe calls are the only non-moderation ones.
    body = graph.request(page, "GET", f"/{page.page_id}/subscribed_apps", op="subscribed_apps")
    subscribed = _fields_of(body.get("data") or [], app_id)
    missing = tuple(f for f in fields if f not in subscribed)
    problems: list[str] = []
    linked = ""
    if page.instagram_id:
        info = graph.request(
            page, "GET", f"/{page.page_id}", op="page_instagram", params={"fields": "instagram_business_account"}
        )
        linked = str((info.get("instagram_business_account") or {}).get("id", ""))
        if linked != page.instagram_id:
            problems.append(
                f"instagram_id {page.instagram_id} is configured but the Page is linked to "
                f"{linked or 'no Instagram professional account'}: Instagram events would not arrive"
            )
    return PageSubscription(page.page_id, page.name, subscribed, missing, page.instagram_id, linked, tuple(problems))


def subscribe_page(graph: HttpGraphClient, page: PageSettings, *, app_id: str = "", fields: tuple[str, ...] = PAGE_FIELDS) -> PageSubscription:
    """Subscribe the app to the Page's fields, then read back what Meta recorded."""
    body = graph.request(
        page, "POST", f"/{page.page_id}/subscribed_apps", op="subscribe", data={"subscribed_fields": ",".join(fields)}
    )
    if body.get("success") is not True:
        raise GraphPermanentError(f"subscribe: Meta answered without success for page {page.page_id}")
    return check_page(graph, page, app_id=app_id, fields=fields)


def explain_error(exc: GraphError) -> str:
    if isinstance(exc, GraphTokenExpiredError):
        return "the Page access token is missing, invalid or expired: generate a new one and run setup again"
    if exc.code == 10 or (exc.code is not None and 200 <= exc.code <= 299):
        return (
            "permission denied: the token needs pages_manage_metadata and pages_show_list (and pages_messaging "
            "for messages), granted by someone who can moderate the Page"
        )
    return str(exc)


# --- command ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PagesSource:
    """Which pages an operator command reads: a deployed stage's SSM parameter, or a local pages file."""

    stage: str | None = None
    pages_file: Path | None = None
    page: tuple[str, ...] = ()  # only these page ids
    graph_api_url: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class SubscribeOptions(PagesSource):
    """`subscribe`'s options (ops/cli.py documents each)."""

    check: bool = False
    app_id: str = ""


def load_target(args: PagesSource, ssm: Any = None) -> tuple[PagesConfig, str, str]:
    """(pages, app secret for appsecret_proof, Graph base URL) for a stage or a local pages file."""
    if args.pages_file:
        pages = PagesConfig.from_json(args.pages_file.read_text(encoding="utf-8"))
        secret = os.environ.get(APP_SECRET_ENV, "")
        base = args.graph_api_url or os.environ.get("GRAPH_API_URL") or DEFAULT_GRAPH_API_URL
    else:
        if ssm is None:
            import boto3

            ssm = boto3.client("ssm", region_name=args.region)
            registry = deployed_registry(SetupOptions(stage=args.stage, region=args.region), ssm)
        else:
            registry = None
        pages = load_pages(ssm, args.stage, registry)
        secret = read_app_secret(ssm, parameter_names(args.stage).app_secret).get("app_secret", "")
        base = args.graph_api_url or stage_environment(args.stage).get("GRAPH_API_URL") or DEFAULT_GRAPH_API_URL
    if args.page:
        wanted = set(args.page)
        unknown = wanted - {p.page_id for p in pages.pages}
        if unknown:
            raise ConfigError(f"not in the pages configuration: {', '.join(sorted(unknown))}")
        pages = PagesConfig(pages=tuple(p for p in pages.pages if p.page_id in wanted))
    return pages, secret, base


def run(args: SubscribeOptions, *, ssm: Any = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        pages, secret, base = load_target(args, ssm)
    except (ConfigError, OSError) as exc:
        err.write(f"subscribe failed: {exc}\n")
        return 1
    graph = HttpGraphClient(base, app_secret=secret)
    failures = 0
    for page in pages.pages:
        try:
            result = check_page(graph, page, app_id=args.app_id) if args.check else subscribe_page(graph, page, app_id=args.app_id)
        except GraphError as exc:
            failures += 1
            out.write(f"page {page.page_id} ({page.name}): FAILED: {explain_error(exc)}\n")
            continue
        status = "OK" if result.ok else "INCOMPLETE"
        out.write(f"page {page.page_id} ({page.name}): subscribed to {', '.join(result.subscribed_fields) or 'nothing'}: {status}\n")
        if result.missing_fields:
            failures += 1
            out.write(f"  missing: {', '.join(result.missing_fields)}" + (" (run without --check to subscribe)\n" if args.check else "\n"))
        for problem in result.problems:
            failures += 1
            out.write(f"  problem: {problem}\n")
        if page.instagram_id and not result.problems:
            out.write(
                f"  instagram {page.instagram_id}: linked to this Page. Its events arrive through this subscription once "
                f"{', '.join(INSTAGRAM_DASHBOARD_FIELDS)} are enabled under App Dashboard > Webhooks > Instagram.\n"
            )
    out.write(json.dumps({"pages": len(pages.pages), "failed": failures}) + "\n")
    return 1 if failures else 0
