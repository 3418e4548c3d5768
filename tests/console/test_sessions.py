"""Signed links and session cookies: genuine ones work, anything forged, altered, expired, re-purposed or
pointing off-site does not."""

from __future__ import annotations

import pytest

from chalicelib.console import sessions, signing

KEY = "test-console-key"
NOW = 1_800_000_000.0


def test_a_link_grants_its_pages_and_path_until_it_expires() -> None:
    token = sessions.link_token(KEY, ["111", "222"], "/console/items/1_2?undo=1", NOW)
    link = sessions.read_link(KEY, token, NOW + 60)
    assert link.page_ids == ("111", "222") and link.next_path == "/console/items/1_2?undo=1"
    with pytest.raises(signing.TokenExpired):
        sessions.read_link(KEY, token, NOW + sessions.LINK_TTL_SECONDS + 1)
    # an expired link may still ask for a fresh one for a while, then not
    assert sessions.read_expired_link(KEY, token, NOW + sessions.LINK_TTL_SECONDS + 1).page_ids == ("111", "222")
    with pytest.raises(signing.TokenInvalid):
        sessions.read_expired_link(KEY, token, NOW + sessions.LINK_TTL_SECONDS + sessions.FRESH_LINK_GRACE_SECONDS + 1)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature altered
    lambda t: "eyJwYWdlcyI6WyI5OTkiXX0" + t[t.index("."):],  # payload swapped
    lambda t: t.replace(".", ""),
    lambda t: "",
    lambda t: t + "." + t,
])
def test_altered_links_are_refused(mangle) -> None:
    token = sessions.link_token(KEY, ["111"], "/console", NOW)
    with pytest.raises(signing.TokenInvalid):
        sessions.read_link(KEY, mangle(token), NOW)


def test_another_key_or_purpose_is_refused() -> None:
    token = sessions.link_token(KEY, ["111"], "/console", NOW)
    with pytest.raises(signing.TokenInvalid):
        sessions.read_link("another-key", token, NOW)
    # a sign-in link is not a session cookie
    assert sessions.read_session(KEY, f"{sessions.COOKIE_NAME}={token}", NOW) is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/console/../webhook", "javascript:x"])
def test_a_link_never_sends_the_browser_off_the_console(target: str) -> None:
    token = sessions.link_token(KEY, ["111"], target, NOW)
    assert sessions.read_link(KEY, token, NOW).next_path == "/console"
    assert sessions.safe_next(target) == "/console"


def test_start_session_makes_a_cookie_that_reads_back_scoped_to_its_pages() -> None:
    cookie = sessions.start_session(KEY, ["111"], NOW, secure=True)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie and "Path=/console" in cookie
    value = cookie.split(";", 1)[0]
    session = sessions.read_session(KEY, f"other=1; {value}", NOW + 10)
    assert session is not None and session.can_see("111") and not session.can_see("222")
    assert sessions.read_session(KEY, value, NOW + sessions.SESSION_TTL_SECONDS + 1) is None
    assert "Secure" not in sessions.start_session(KEY, ["111"], NOW, secure=False)


def test_csrf_token_is_bound_to_the_session() -> None:
    one = sessions.read_session(KEY, sessions.start_session(KEY, ["111"], NOW, secure=False).split(";")[0], NOW)
    two = sessions.read_session(KEY, sessions.start_session(KEY, ["111"], NOW, secure=False).split(";")[0], NOW)
    assert sessions.csrf_ok(KEY, one, sessions.csrf_token(KEY, one))
    assert not sessions.csrf_ok(KEY, one, sessions.csrf_token(KEY, two))
    assert not sessions.csrf_ok(KEY, one, "")
