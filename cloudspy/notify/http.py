"""POST with a timeout and bounded retries (stdlib only); errors never carry the URL.

Webhook URLs are secrets (Slack's path is the credential), so a failure is
described by status or network reason alone.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from cloudspy.errors import CloudSpyError
from cloudspy.notify.secrets import redact

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class ChannelError(CloudSpyError):
    """An alert channel did not accept the message (after retries)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib turns a redirected POST into a GET without its body and
    reports the GET's success, so the alert never arrives (#13); a redirect may also
    carry the secret URL's request to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # urllib then raises HTTPError with the 3xx status


_OPENER = urllib.request.build_opener(_NoRedirects)
MAX_RETRY_AFTER = 60.0


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), capped; None if absent."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        from datetime import UTC, datetime

        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    retries: int,
    backoff: float,
) -> int:
    """POST ``body``; retry timeouts, network errors, 429 and 5xx (waiting as long as a
    ``Retry-After`` asks, up to a minute). A redirect is not followed and is an error:
    delivery is reported only when the webhook itself answered 2xx. Returns the status."""
    if not url.startswith(("https://", "http://")):
        raise ChannelError("the webhook URL is not an http(s) URL")
    last = ""
    wait: float | None = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(wait if wait is not None else backoff * 2 ** (attempt - 1))
        wait = None
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url, data=body, headers={"User-Agent": "cloudspy", **headers}, method="POST"
        )
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                status = int(response.status)
            if 200 <= status < 300:
                return status
            last = f"HTTP {status}: not a success"
            break
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if 300 <= exc.code < 400:
                last += " (a redirect; a POST is not followed, so nothing was delivered)"
                break
            if exc.code not in RETRY_STATUSES:
                break
            wait = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"network error: {reason}"
    raise ChannelError(redact(f"{last} (after {attempt + 1} attempt(s))"))
