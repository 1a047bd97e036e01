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


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    retries: int,
    backoff: float,
) -> int:
    """POST ``body``; retry timeouts, network errors, 429 and 5xx. Returns the final status."""
    if not url.startswith(("https://", "http://")):
        raise ChannelError("the webhook URL is not an http(s) URL")
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url, data=body, headers={"User-Agent": "cloudspy", **headers}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in RETRY_STATUSES:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"network error: {reason}"
    raise ChannelError(redact(f"{last} (after {attempt + 1} attempt(s))"))
