"""Who may talk to the server: loopback by default, a token otherwise, and the browser's guards.

- A server bound to a loopback address needs no token; any other bind needs one,
  checked on every request (``Authorization: Bearer``, or the cookie set by the
  one-time link ``/login?token=…``), compared in constant time.
- The ``Host`` header must name the bind address (or localhost): a page on another
  site cannot reach the server through DNS rebinding.
- Only GET and HEAD exist: there are no writes of any kind.
- Every answer carries a strict Content-Security-Policy (scripts and styles only
  from the server itself) and no-sniff / no-referrer headers.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass

COOKIE = "cloudspy_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine only."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A fresh random token (printed once with its one-time link)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Guard:
    """The checks one server applies to every request."""

    host: str
    port: int
    token: str | None

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's Host header names this server (DNS rebinding guard)."""
        if not header:
            return False
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        name = name.strip("[]").lower()
        allowed = {self.host.lower(), "localhost", "127.0.0.1", "::1"}
        if self.host in ("0.0.0.0", "::"):  # noqa: S104 - a bind address, not a request
            return True  # every interface is the server's: the token guards it instead
        return name in allowed

    def token_ok(self, authorization: str | None, cookie: str | None) -> bool:
        """Whether the request carries the token (always true without one)."""
        if self.token is None:
            return True
        offered = ""
        if authorization and authorization.lower().startswith("bearer "):
            offered = authorization[7:].strip()
        elif cookie:
            offered = cookie
        return bool(offered) and hmac.compare_digest(offered, self.token)
