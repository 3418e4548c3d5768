"""Settings fail closed outside the local stage, and no repr carries a secret, a token or a visitor's text."""

from __future__ import annotations

import pytest

from chalicelib.config import LOCAL_APP_SECRET, PageSettings, Settings
from chalicelib.errors import ConfigError
from chalicelib.models import Platform, Surface, WebhookEvent
from chalicelib.state.records import DeadLetter


def test_reprs_carry_no_secret_token_or_text() -> None:
    settings = Settings.from_env({"APP_SECRET": "s3cret-app", "VERIFY_TOKEN": "v3rify-tok"})
    page = PageSettings(page_id="1", name="Dr. X", access_token="EAAGpagetoken", notify_email="dr@example.test",
                        contact_reply="call us")
    event = WebhookEvent(Platform.FACEBOOK, Surface.COMMENT, "1", "c1", "u1", "my ADHD meds stopped working", 1.0)
    letter = DeadLetter("l1", event.to_dict())
    shown = " ".join(repr(x) + str(x) for x in (settings, page, event, letter, [event], {"p": page}))
    for secret in ("s3cret-app", "v3rify-tok", "EAAGpagetoken", "ADHD meds"):
        assert secret not in shown
    assert "c1" in shown and "Dr. X" in shown  # ids and names still help debugging
    assert event.text and page.access_token and settings.app_secret  # the values themselves are kept


def test_stage_defaults_to_local_only_off_lambda() -> None:
    assert Settings.from_env({}).stage == "local"
    assert Settings.from_env({}).app_secret == LOCAL_APP_SECRET


@pytest.mark.parametrize("stage", [None, "", "local"])
def test_on_lambda_a_missing_or_local_stage_fails_closed(stage: str | None) -> None:
    env = {"AWS_LAMBDA_FUNCTION_NAME": "pageguard-prod-api_handler"}
    if stage is not None:
        env["PAGEGUARD_STAGE"] = stage
    with pytest.raises(ConfigError, match="PAGEGUARD_STAGE"):
        Settings.from_env(env)


def test_on_lambda_a_deployed_stage_never_gets_the_local_secret() -> None:
    settings = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "pageguard-prod-worker", "PAGEGUARD_STAGE": "prod"})
    assert settings.stage == "prod" and settings.app_secret == "" and settings.verify_token == ""


@pytest.mark.parametrize(("env", "console_url", "base_path"), [
    # the stack sets PUBLIC_BASE_URL only: API Gateway's own URL, whose paths start with the stage
    ({"PUBLIC_BASE_URL": "https://abc123.execute-api.us-east-1.amazonaws.com/api/"},
     "https://abc123.execute-api.us-east-1.amazonaws.com/api", "/api"),
    # a custom domain has no stage in its paths; CONSOLE_URL wins where both are set
    ({"PUBLIC_BASE_URL": "https://abc123.execute-api.us-east-1.amazonaws.com/api",
      "CONSOLE_URL": "https://guard.practice.example"}, "https://guard.practice.example", ""),
    ({}, "", ""),
])
def test_the_console_url_follows_the_public_url_and_gives_the_stage_path(env, console_url, base_path) -> None:
    settings = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "pageguard-prod-worker", "PAGEGUARD_STAGE": "prod", **env})
    assert (settings.console_url, settings.base_path) == (console_url, base_path)


def test_locally_the_console_is_at_the_root_of_the_local_server() -> None:
    settings = Settings.from_env({})
    assert settings.console_url == "http://127.0.0.1:8000" and settings.base_path == ""
