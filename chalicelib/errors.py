"""PageGuard's own error types; adapters translate outside errors into these once, with `raise ... from`."""


class PageGuardError(Exception):
    """Base class for PageGuard's errors."""


class WebhookSignatureError(PageGuardError):
    """The X-Hub-Signature-256 header is missing or does not match the body."""


class WebhookPayloadError(PageGuardError):
    """A correctly signed body is not a webhook PageGuard understands (not JSON, wrong object)."""


class ConfigError(PageGuardError):
    """Configuration is missing or malformed."""


class GraphError(PageGuardError):
    """A Graph API call failed. Carries Meta's error code and subcode when the body had them."""

    def __init__(self, message: str, *, status: int = 0, code: int | None = None, subcode: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.subcode = subcode


class GraphRetryableError(GraphError):
    """Transient (rate limits, 5xx, timeouts): raise so the queue retries."""


class GraphAmbiguousSendError(GraphError):
    """A send came back with code 1 / subcode 1357046: it may have gone through; never resend blindly."""


class GraphPermanentError(GraphError):
    """Permanent (permissions, invalid object, outside the messaging window): record and alert, don't retry."""


class GraphTokenExpiredError(GraphPermanentError):
    """Code 190 / 102: the page must be reconnected."""


class NotifierError(PageGuardError):
    """Sending an alert email failed; retryable."""


class NotifierRejectedError(PageGuardError):
    """The email provider refused an alert for good (SES MessageRejected in the sandbox, daily quota used up,
    account paused, a recipient that bounced or complained): retrying cannot help. Carries the provider's code."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class StoreError(PageGuardError):
    """The local or DynamoDB store failed."""


def error_summary(exc: BaseException) -> str:
    """An error's class plus Meta's code when present: what dead letters and logs keep, never a message
    (a message could one day carry text)."""
    code = getattr(exc, "code", None)
    return type(exc).__name__ + (f" (code {code})" if code is not None else "")
